/// Cuts a fuzz input into up to three reads, as a network would deliver it: the first two bytes
/// say where (each modulo the remaining length), the rest is the data.
enum FuzzChunks {
    static func split(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        guard bytes.count > 2 else { return [bytes[...]] }
        let data = bytes[2...]
        let first = data.startIndex + Int(bytes[0]) % (data.count + 1)
        let second = first + Int(bytes[1]) % (data.endIndex - first + 1)
        return [data[data.startIndex..<first], data[first..<second], data[second...]].filter { !$0.isEmpty }
    }
}
