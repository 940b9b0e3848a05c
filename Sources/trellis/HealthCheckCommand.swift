import ArgumentParser
import NIOCore
import NIOHTTP1
import NIOPosix

/// `trellis healthcheck [--url URL]`: GETs an admin route and exits 0 when it answers 200, 1
/// otherwise. The container image's `HEALTHCHECK` runs it: the runtime image has no curl.
struct HealthCheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "healthcheck",
        abstract: "Exit 0 when a Trellis admin route answers 200 (for container health checks)."
    )

    @Option(help: "The route to ask, http://host:port/path.")
    var url = "http://127.0.0.1:16686/healthz"

    @Option(help: "Seconds to wait for the answer.")
    var timeout = 3

    func run() async throws {
        let target: LoadTarget
        do {
            target = try LoadTarget(endpoint: url, wireProtocol: .httpProtobuf)
        } catch {
            print("healthcheck: \(error)")
            throw ExitCode(2)
        }
        let group = MultiThreadedEventLoopGroup.singleton
        let answer: String
        do {
            let status = try await withThrowingTaskGroup(of: HTTPResponseStatus?.self) { tasks in
                tasks.addTask {
                    let connection = try await HTTPClientConnection.connect(host: target.host, port: target.port, group: group, path: target.path)
                    defer { connection.abort(reason: "done") }
                    return try await connection.get()
                }
                tasks.addTask {
                    try await Task.sleep(for: .seconds(timeout))
                    return nil
                }
                let first = try await tasks.next() ?? nil
                tasks.cancelAll()
                return first
            }
            guard let status else {
                print("healthcheck: \(url): no answer within \(timeout) s")
                throw ExitCode(1)
            }
            answer = "HTTP \(status.code)"
            guard status.code == 200 else {
                print("healthcheck: \(url): \(answer)")
                throw ExitCode(1)
            }
        } catch let exit as ExitCode {
            throw exit
        } catch {
            print("healthcheck: \(url): \(error)")
            throw ExitCode(1)
        }
        print("healthcheck: \(url): \(answer)")
    }
}
