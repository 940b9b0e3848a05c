import Glibc

/// Reads the process's resident memory and the memory it may use (the cgroup limit, or the machine's).
public enum ProcessMemory {
    /// Resident set size in bytes, from `/proc/self/statm`; nil where it is unavailable.
    public static func residentBytes() -> Int? {
        guard let text = read("/proc/self/statm") else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// The cgroup v2 (or v1) memory limit when one is set, else the machine's physical memory.
    public static func availableBytes() -> Int {
        let machine = Int(sysconf(Int32(_SC_PHYS_PAGES))) * Int(sysconf(Int32(_SC_PAGESIZE)))
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = read(path), let limit = Int(text.filter { !$0.isWhitespace }), limit > 0, limit < machine {
                return limit
            }
        }
        return machine
    }

    /// Asks glibc to hand freed heap pages back to the OS (`malloc_trim(0)`), found at run time
    /// because Swift's Glibc module does not import `<malloc.h>`. Does nothing elsewhere.
    public static func trimHeap() {
        typealias Trim = @convention(c) (Int) -> Int32
        guard let process = dlopen(nil, RTLD_NOW), let symbol = dlsym(process, "malloc_trim") else { return }
        _ = unsafeBitCast(symbol, to: Trim.self)(0)
    }

    private static func read(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, Int32(buffer.count), file) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
