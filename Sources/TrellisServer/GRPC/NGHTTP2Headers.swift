import CNGHTTP2

/// Builds libnghttp2 name/value pairs for a submit call (server responses and trailers, client
/// requests). The pairs point at temporary copies; nghttp2 copies them during the call.
public enum NGHTTP2Headers {
    public static func with<Result>(_ headers: [(String, String)], _ body: (UnsafeBufferPointer<nghttp2_nv>) -> Result) -> Result {
        var storage: [UnsafeMutablePointer<UInt8>] = []
        defer { storage.forEach { $0.deallocate() } }
        func copy(_ text: String) -> (UnsafeMutablePointer<UInt8>, Int) {
            let bytes = Array(text.utf8)
            let pointer = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, bytes.count))
            pointer.initialize(from: bytes, count: bytes.count)
            storage.append(pointer)
            return (pointer, bytes.count)
        }
        let nva = headers.map { name, value -> nghttp2_nv in
            let (n, nl) = copy(name)
            let (v, vl) = copy(value)
            return nghttp2_nv(name: n, value: v, namelen: nl, valuelen: vl, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
        }
        return nva.withUnsafeBufferPointer(body)
    }
}
