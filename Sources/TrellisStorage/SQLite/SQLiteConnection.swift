import CSQLite

/// One SQLite connection and its prepared statements, cached by SQL text.
///
/// Not thread-safe by itself (opened with `SQLITE_OPEN_NOMUTEX`): the archive keeps each
/// connection inside a `Mutex`, so exactly one thread uses it at a time.
final class SQLiteConnection {
    private(set) var handle: OpaquePointer?
    let path: String
    private var statements: [String: SQLiteStatement] = [:]
    /// Beyond this many cached statements, new SQL texts are prepared for one use only.
    private let maxCachedStatements = 128

    /// Opens (and with `create`, creates) the database file.
    init(path: String, readOnly: Bool, create: Bool) throws(StorageError) {
        self.path = path
        var flags = SQLITE_OPEN_NOMUTEX
        if readOnly {
            flags |= SQLITE_OPEN_READONLY
        } else {
            flags |= SQLITE_OPEN_READWRITE
            if create { flags |= SQLITE_OPEN_CREATE }
        }
        var db: OpaquePointer?
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close_v2(db)
            throw .sqlite(code: rc, message: message, context: "opening \(path)")
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    deinit { close() }

    /// Finalizes every statement and closes the connection. Safe to call twice.
    func close() {
        for statement in statements.values { statement.finalize() }
        statements = [:]
        if let handle { sqlite3_close_v2(handle) }
        handle = nil
    }

    /// Runs SQL with no parameters and no rows wanted (schema, pragmas, transaction control).
    func execute(_ sql: String) throws(StorageError) {
        let db = try open()
        var error: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &error)
        if rc != SQLITE_OK {
            let message = error.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(error)
            throw .sqlite(code: rc, message: message, context: "running \(sql.prefix(80))")
        }
    }

    /// The prepared statement for this SQL, prepared once and reused (reset, bindings cleared).
    /// Past the cache's size, it is prepared for this use and finalized when released.
    func statement(_ sql: String) throws(StorageError) -> SQLiteStatement {
        if let cached = statements[sql] {
            cached.reset()
            return cached
        }
        let db = try open()
        var raw: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard rc == SQLITE_OK, let raw else {
            throw .sqlite(code: rc, message: String(cString: sqlite3_errmsg(db)), context: "preparing \(sql.prefix(120))")
        }
        let statement = SQLiteStatement(raw, connection: self)
        if statements.count < maxCachedStatements { statements[sql] = statement }
        return statement
    }

    /// The first column of every row of a parameterless query, as text.
    func textRows(_ sql: String) throws(StorageError) -> [String] {
        let statement = try self.statement(sql)
        defer { statement.reset() }
        var rows: [String] = []
        while try statement.step() { rows.append(statement.text(0)) }
        return rows
    }

    /// The first column of the first row of a parameterless query, as an integer.
    func integer(_ sql: String) throws(StorageError) -> Int64 {
        let statement = try self.statement(sql)
        defer { statement.reset() }
        guard try statement.step() else { return 0 }
        return statement.int64(0)
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    var changes: Int { Int(sqlite3_changes(handle)) }

    func error(_ rc: Int32, _ context: @autoclosure () -> String) -> StorageError {
        let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        return .sqlite(code: rc, message: message, context: context())
    }

    private func open() throws(StorageError) -> OpaquePointer {
        guard let handle else { throw .closed }
        return handle
    }
}
