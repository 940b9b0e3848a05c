import NIOPosix

/// Runs query tasks on threads of their own, so SQLite reads never block an event loop nor the
/// cooperative pool that ingestion runs on. Use as `Task(executorPreference:)`.
public final class QueryExecutor: TaskExecutor {
    private let pool: NIOThreadPool

    public init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: max(1, threads))
        pool.start()
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        pool.submit { _ in job.runSynchronously(on: executor) }
    }

    /// Waits for running queries, then stops the threads.
    public func shutdown() async {
        try? await pool.shutdownGracefully()
    }
}
