// trellis-bench: benchmarks of the codec and the stores. Usage: trellis-bench decode|store|store-clickhouse ENDPOINT
import Glibc

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "decode":
    print(try DecodeBenchmark().run())
case "store":
    print(try await StoreBenchmark().run())
case "store-clickhouse" where arguments.count == 2:
    print(try await StoreBenchmark(backend: .clickHouse(endpoint: arguments.last!)).run())
default:
    print("usage: trellis-bench decode|store|store-clickhouse ENDPOINT")
    exit(2)
}
