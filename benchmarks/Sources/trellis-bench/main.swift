// trellis-bench: benchmarks that need no sockets. Usage: trellis-bench decode
import Glibc

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "decode":
    print(try DecodeBenchmark().run())
default:
    print("usage: trellis-bench decode")
    exit(2)
}
