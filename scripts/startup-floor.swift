// The start-up floor of figure 1 (scripts/bench.sh): the least a Swift
// program built as bouncecheck is (the Makefile's release flags) does to
// read a message: start, read the file named on the command line, exit.
// What bouncecheck takes beyond this is its own work.
import Glibc

let buffer = UnsafeMutableRawPointer.allocate(byteCount: 1 << 18, alignment: 16)
let fd = CommandLine.arguments.count > 1 ? open(CommandLine.arguments[1], O_RDONLY) : 0
while read(fd, buffer, 1 << 18) > 0 {}
exit(0)
