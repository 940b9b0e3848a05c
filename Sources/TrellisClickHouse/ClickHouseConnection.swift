import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TrellisStorage

/// Requests to ClickHouse's HTTP interface (ClickHouse docs, "HTTP Interface"), through
/// AsyncHTTPClient's shared client (its connection pool lives as long as the process, so nothing
/// needs shutting down), each with `settings.timeout` as its deadline: a query is POSTed as the body, or for an INSERT, named in the
/// `query` parameter with its `RowBinary` rows as the body. A non-200 answer carries
/// ClickHouse's message (`Code: N, e.displayText() = DB::Exception: …`), which the thrown
/// `StorageError.clickHouse` keeps. With a user name, requests carry HTTP Basic credentials.
final class ClickHouseConnection: Sendable {
    let settings: ClickHouseSettings
    private var client: HTTPClient { .shared }

    init(settings: ClickHouseSettings) {
        self.settings = settings
    }

    /// Asks ClickHouse to answer only once the query has finished, so an error part-way is an
    /// error status, not text appended to a 200 answer.
    private static let whole = ["wait_end_of_query": "1"]

    /// Runs `sql` and returns ClickHouse's answer (ask for `FORMAT RowBinary` to read it with `RowBinaryReader`).
    func query(_ sql: String, context: String) async throws(StorageError) -> [UInt8] {
        do {
            return try await send(parameters: Self.whole, body: Array(sql.utf8), context: context).get()
        } catch let error as StorageError {
            throw error
        } catch {
            throw failure(error, context: context)
        }
    }

    /// Runs `sql` on the calling thread, which waits (the store's writer thread; never an event loop).
    func queryBlocking(_ sql: String, context: String) throws(StorageError) -> [UInt8] {
        try wait(send(parameters: Self.whole, body: Array(sql.utf8), context: context), context: context)
    }

    /// Inserts `RowBinary` rows into `table` (columns named in the order the rows hold them), on
    /// the calling thread. With a cluster, the insert returns once every shard has its rows
    /// (`insert_distributed_sync`).
    func insertBlocking(into table: String, columns: [String], rows: [UInt8], context: String) throws(StorageError) {
        var parameters = ["query": "INSERT INTO \(table) (\(columns.joined(separator: ", "))) FORMAT RowBinary"]
        if settings.cluster != nil { parameters["insert_distributed_sync"] = "1" }
        _ = try wait(send(parameters: parameters, body: rows, context: context), context: context)
    }

    private func wait(_ answer: EventLoopFuture<[UInt8]>, context: String) throws(StorageError) -> [UInt8] {
        do {
            return try answer.wait()
        } catch let error as StorageError {
            throw error
        } catch {
            throw failure(error, context: context)
        }
    }

    private func send(parameters: [String: String], body: [UInt8], context: String) -> EventLoopFuture<[UInt8]> {
        var components = URLComponents(string: settings.endpoint)
        components?.path = "/"
        // Statements name their tables with the database (`ClickHouseSchema`), so none is set here:
        // the one that creates the database runs before it exists.
        components?.queryItems = parameters.sorted { $0.key < $1.key }.map { URLQueryItem(name: $0.key, value: $0.value) }
        // `+` reads as a space in a query string: SQL needs it kept.
        let encoded = components?.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        components?.percentEncodedQuery = encoded
        guard let url = components?.url else {
            return client.eventLoopGroup.next().makeFailedFuture(
                StorageError.clickHouse(endpoint: settings.endpoint, context: context, detail: "the endpoint is not a URL"))
        }
        var headers = HTTPHeaders()
        if let username = settings.username {
            let credentials = Data("\(username):\(settings.password ?? "")".utf8).base64EncodedString()
            headers.add(name: "Authorization", value: "Basic \(credentials)")
        }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(url: url, method: .POST, headers: headers, body: .bytes(body))
        } catch {
            return client.eventLoopGroup.next().makeFailedFuture(error)
        }
        let endpoint = settings.endpoint
        return client.execute(request: request, deadline: .now() + TimeAmount(settings.timeout)).flatMapThrowing { response in
            let bytes = response.body.map { Array($0.readableBytesView) } ?? []
            guard response.status == .ok else {
                let message = String(decoding: bytes.prefix(2000), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                throw StorageError.clickHouse(endpoint: endpoint, context: context, detail: "HTTP \(response.status.code): \(message)")
            }
            return bytes
        }
    }

    private func failure(_ error: any Error, context: String) -> StorageError {
        .clickHouse(endpoint: settings.endpoint, context: context, detail: "\(error)")
    }
}
