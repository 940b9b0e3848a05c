import Glibc
import Synchronization
import TrellisCodec

/// The archive's own write-ahead log (`archive.wal: true`): a file of framed records, each an
/// accepted batch as an OTLP protobuf `ExportTraceServiceRequest` with the batch's sequence
/// number. Appends are plain `write`s; `sync(through:)` makes them durable with `fdatasync`, one
/// call serving every append made before it (group commit).
///
/// A record is a 16-byte header — payload length (UInt32), CRC-32 of the sequence number and
/// the payload (UInt32), sequence number (UInt64), all little-endian — then the payload. Reading
/// stops at the first record that is short or fails its checksum: the torn tail of a crash.
final class WriteAheadLog: Sendable {
    /// A record read back.
    struct Record: Sendable {
        var sequence: UInt64
        var payload: [UInt8]
    }

    /// What a log file held.
    struct Contents: Sendable {
        var records: [Record]
        /// Bytes after the last whole record (a torn write), ignored.
        var tornBytes: Int
    }

    static let headerBytes = 16

    let path: String
    private let fd: Int32
    private struct State {
        var written: UInt64 = 0
        var bytes = 0
    }
    private let state: Mutex<State>
    /// Held while syncing: later callers find their records already synced and return at once.
    private let synced = Mutex<UInt64>(0)

    /// Opens (creating) the log for appending.
    init(path: String) throws(StorageError) {
        self.path = path
        let fd = open(path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .writeAheadLog(path: path, detail: "cannot open: \(String(cString: strerror(errno)))") }
        self.fd = fd
        let size = lseek(fd, 0, SEEK_END)
        state = Mutex(State(bytes: Int(max(0, size))))
    }

    deinit { Glibc.close(fd) }

    /// Bytes in the file now.
    var byteCount: Int { state.withLock { $0.bytes } }

    /// Every whole record in the file, in order, and how many bytes of torn tail follow them.
    func readAll() throws(StorageError) -> Contents {
        let size = state.withLock { $0.bytes }
        var bytes = [UInt8](repeating: 0, count: size)
        var done = 0
        while done < size {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + done, size - done, off_t(done)) }
            guard n > 0 else { throw .writeAheadLog(path: path, detail: "cannot read: \(String(cString: strerror(errno)))") }
            done += n
        }
        var records: [Record] = []
        var offset = 0
        while offset + Self.headerBytes <= size {
            let length = Int(Self.load(UInt32.self, bytes, offset))
            let crc = Self.load(UInt32.self, bytes, offset + 4)
            guard offset + Self.headerBytes + length <= size else { break }
            let checked = bytes[(offset + 8)..<(offset + Self.headerBytes + length)]
            guard checked.withUnsafeBytes({ CRC32.checksum($0) }) == crc else { break }
            records.append(Record(sequence: Self.load(UInt64.self, bytes, offset + 8),
                                  payload: Array(bytes[(offset + Self.headerBytes)..<(offset + Self.headerBytes + length)])))
            offset += Self.headerBytes + length
        }
        return Contents(records: records, tornBytes: size - offset)
    }

    /// Appends one record (not yet durable: see `sync(through:)`). Callers append in sequence order.
    func append(sequence: UInt64, payload: [UInt8]) throws(StorageError) {
        var record = [UInt8](repeating: 0, count: Self.headerBytes)
        record.reserveCapacity(Self.headerBytes + payload.count)
        Self.store(UInt32(payload.count), &record, 0)
        Self.store(sequence, &record, 8)
        record.append(contentsOf: payload)
        Self.store(record[8...].withUnsafeBytes { CRC32.checksum($0) }, &record, 4)
        try state.withLock { state throws(StorageError) in
            var done = 0
            while done < record.count {
                let n = record.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + done, record.count - done) }
                if n < 0 && errno == EINTR { continue }
                guard n > 0 else {
                    // Drop the partial record so the next append starts on a record boundary.
                    _ = ftruncate(fd, off_t(state.bytes))
                    throw .writeAheadLog(path: path, detail: "cannot append: \(String(cString: strerror(errno)))")
                }
                done += n
            }
            state.bytes += record.count
            state.written = sequence
        }
    }

    /// Returns once the record `sequence` and every one appended before it are on disk.
    func sync(through sequence: UInt64) throws(StorageError) {
        try synced.withLock { synced throws(StorageError) in
            guard synced < sequence else { return }
            let target = state.withLock { $0.written }
            guard fdatasync(fd) == 0 else { throw .writeAheadLog(path: path, detail: "cannot fsync: \(String(cString: strerror(errno)))") }
            synced = max(synced, target)
        }
    }

    /// Empties the file; its records must all be archived. The caller keeps appends out meanwhile.
    func truncate() throws(StorageError) {
        try state.withLock { state throws(StorageError) in
            guard ftruncate(fd, 0) == 0 else { throw .writeAheadLog(path: path, detail: "cannot truncate: \(String(cString: strerror(errno)))") }
            state.bytes = 0
        }
    }

    private static func load<T: FixedWidthInteger>(_: T.Type, _ bytes: [UInt8], _ offset: Int) -> T {
        var value: T = 0
        for i in 0..<MemoryLayout<T>.size { value |= T(bytes[offset + i]) << (8 * i) }
        return value
    }

    private static func store<T: FixedWidthInteger>(_ value: T, _ bytes: inout [UInt8], _ offset: Int) {
        for i in 0..<MemoryLayout<T>.size { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) }
    }
}
