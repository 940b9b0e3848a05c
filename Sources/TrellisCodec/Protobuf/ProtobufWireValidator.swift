/// Walks a protobuf body of `Schema`'s root message on the wire, without allocating, before
/// libprotobuf-c unpacks it. It finds what the C library would only report as "failed" and says where:
/// truncated fields, over-long varints, wrong wire types, lengths past the end, and nesting
/// deeper than `maxDepth` (which would otherwise recurse the C decoder off the stack).
struct ProtobufWireValidator<Schema: ProtobufMessageSchema> {
    /// How deep messages may nest (OTLP's own structure uses 7 levels before attribute values nest).
    var maxDepth: Int = 64

    /// One open message on the walk: plain data, so the stack lives in a temporary buffer.
    private struct Frame {
        var schema: Schema
        var repeated: Bool
        /// The field number, in the parent, that holds this message.
        var fieldNumber: UInt64
        var end: Int
        var lastField: UInt64
        var index: Int
    }

    func validate(_ bytes: UnsafeRawBufferPointer) throws(CodecError) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let result: CodecError? = withUnsafeTemporaryAllocation(of: Frame.self, capacity: maxDepth + 1) { frames in
            Schema.packedRules.withUnsafeBufferPointer { rules in
                walk(base, count: bytes.count, frames: frames, rules: rules.baseAddress!)
            }
        }
        if let result { throw result }
    }

    private func walk(_ base: UnsafePointer<UInt8>, count: Int, frames: UnsafeMutableBufferPointer<Frame>, rules: UnsafePointer<UInt8>) -> CodecError? {
        let stride = Schema.maxFieldNumber + 1
        frames[0] = Frame(schema: Schema.root, repeated: false, fieldNumber: 0, end: count, lastField: 0, index: -1)
        var depth = 1
        var offset = 0

        func path(field: UInt64? = nil) -> String {
            var parts: [String] = []
            for i in 1..<depth {
                let parent = frames[i - 1]
                let name = parent.schema.name(of: frames[i].fieldNumber)
                parts.append(frames[i].repeated ? "\(name)[\(parent.index)]" : name)
            }
            if let field { parts.append(frames[depth - 1].schema.name(of: field)) }
            return parts.isEmpty ? Schema.rootName : parts.joined(separator: ".")
        }

        /// Reads a varint ending before `end`: nil with `offset` at `end` when truncated, before it when over-long.
        @inline(__always)
        func readVarint(_ end: Int) -> UInt64? {
            if offset < end && base[offset] < 0x80 {
                let v = UInt64(base[offset])
                offset += 1
                return v
            }
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while offset < end && shift < 70 {
                let byte = base[offset]
                offset += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
            return nil
        }

        while true {
            let end = frames[depth - 1].end
            if offset == end {
                if depth == 1 { return nil }
                depth -= 1
                continue
            }
            let tagOffset = offset
            guard let tag = readVarint(end) else {
                return offset >= end ? .truncated(field: path(), offset: tagOffset) : .malformedVarint(field: path(), offset: tagOffset)
            }
            let number = tag >> 3
            let wireRaw = UInt8(truncatingIfNeeded: tag & 7)
            guard number != 0, let wireType = ProtobufField.WireType(rawValue: wireRaw) else {
                return .invalidTag(offset: tagOffset, tag: tag)
            }
            let rule = number < UInt64(stride) ? rules[Int(frames[depth - 1].schema.rawValue) * stride + Int(number)] : 0
            if rule != 0 {
                if frames[depth - 1].lastField == number {
                    frames[depth - 1].index += 1
                } else {
                    frames[depth - 1].lastField = number
                    frames[depth - 1].index = 0
                }
                guard rule & 0x07 == wireRaw + 1 else {
                    return .wrongWireType(field: path(field: number), wireType: wireRaw, offset: tagOffset)
                }
            }
            switch wireType {
            case .varint:
                let at = offset
                guard readVarint(end) != nil else {
                    return offset >= end ? .truncated(field: path(field: number), offset: at) : .malformedVarint(field: path(field: number), offset: at)
                }
            case .fixed64:
                guard end - offset >= 8 else { return .truncated(field: path(field: number), offset: offset) }
                offset += 8
            case .fixed32:
                guard end - offset >= 4 else { return .truncated(field: path(field: number), offset: offset) }
                offset += 4
            case .lengthDelimited:
                let at = offset
                guard let length = readVarint(end) else {
                    return offset >= end ? .truncated(field: path(field: number), offset: at) : .malformedVarint(field: path(field: number), offset: at)
                }
                let remaining = end - offset
                guard length <= UInt64(remaining) else {
                    return .lengthPastEnd(field: path(field: number), length: length, remaining: remaining, offset: at)
                }
                if rule >> 4 != 0, let child = Schema(rawValue: rule >> 4 - 1) {
                    guard depth < maxDepth else { return .nestingTooDeep(field: path(field: number), limit: maxDepth) }
                    frames[depth] = Frame(schema: child, repeated: rule & 0x08 != 0, fieldNumber: number, end: offset + Int(length), lastField: 0, index: -1)
                    depth += 1
                } else {
                    offset += Int(length)
                }
            }
        }
    }
}
