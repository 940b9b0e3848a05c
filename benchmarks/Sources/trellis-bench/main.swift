// trellis-bench: benchmarks that need no sockets. Usage: trellis-bench decode|store
import Glibc

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "decode":
    print(try DecodeBenchmark().run())
case "store":
    print(try await StoreBenchmark().run())
default:
    print("usage: trellis-bench decode|store")
    exit(2)
}
