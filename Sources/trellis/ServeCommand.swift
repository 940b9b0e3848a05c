import ArgumentParser
import Glibc
import Logging
import TrellisApp

/// `trellis serve`: runs the collector until SIGINT or SIGTERM, then stops gracefully.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Receive spans (OTLP/gRPC, OTLP/HTTP, Zipkin, Jaeger) and run the configured pipeline; serve the query API and the web UI."
    )

    @Option(name: .long, help: "The configuration file.")
    var config = "config/trellis.yaml"

    func run() async throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return handler
        }
        let logger = Logger(label: "trellis")
        let parsed: TrellisConfig
        do {
            parsed = try TrellisConfig.load(file: config)
        } catch {
            logger.critical("invalid configuration \(config): \(error)")
            throw ExitCode(2)
        }
        let service: TrellisService
        do {
            service = try TrellisService(config: parsed, logger: logger)
        } catch {
            logger.critical("cannot start: \(error)")
            throw ExitCode(1)
        }
        let signals = SignalWaiter(signals: [SIGINT, SIGTERM])
        do {
            try await service.start()
        } catch {
            logger.critical("\(error)")
            await service.shutdown()
            throw ExitCode(1)
        }
        logger.info("trellis is ready", metadata: ["config": "\(config)"])
        let signal = await signals.wait()
        logger.info("received signal \(signal == SIGINT ? "SIGINT" : "SIGTERM"); stopping")
        await service.shutdown()
    }
}
