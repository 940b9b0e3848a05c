/// The shape of a family of protobuf messages as far as wire validation needs it: for each
/// message, which field numbers are known, with which wire type and, for sub-messages, which
/// message they hold, and the names error paths use. `ProtobufWireValidator` walks a body with it.
protocol ProtobufMessageSchema: RawRepresentable<UInt8>, CaseIterable, Sendable {
    /// The message a body holds.
    static var root: Self { get }
    /// The root's name in error paths when no field is involved (`ExportTraceServiceRequest`).
    static var rootName: String { get }
    /// The largest field number any message of the family uses.
    static var maxFieldNumber: Int { get }
    /// `ProtobufField.packedRules(for:)` of the family, computed once.
    static var packedRules: [UInt8] { get }

    /// The rule for `number` in this message; nil for fields the family does not define (they are skipped).
    func field(_ number: UInt64) -> ProtobufField?
    /// The field's name in error paths (JSON names for OTLP, proto names elsewhere).
    func name(of number: UInt64) -> String
}

/// What a known field must look like on the wire.
struct ProtobufField {
    /// Protobuf wire types.
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, fixed32 = 5
    }

    let wireType: WireType
    /// The message a length-delimited field holds, as its schema's raw value; nil for strings, bytes and scalars.
    let message: UInt8?
    /// True for repeated fields, whose elements are numbered in error paths.
    let repeated: Bool

    static let varint = ProtobufField(wireType: .varint, message: nil, repeated: false)
    static let fixed64 = ProtobufField(wireType: .fixed64, message: nil, repeated: false)
    static let fixed32 = ProtobufField(wireType: .fixed32, message: nil, repeated: false)
    /// A string or bytes field (also a packed repeated scalar, which the validator does not look into).
    static let text = ProtobufField(wireType: .lengthDelimited, message: nil, repeated: false)
    static func one<S: ProtobufMessageSchema>(_ kind: S) -> ProtobufField { ProtobufField(wireType: .lengthDelimited, message: kind.rawValue, repeated: false) }
    static func list<S: ProtobufMessageSchema>(_ kind: S) -> ProtobufField { ProtobufField(wireType: .lengthDelimited, message: kind.rawValue, repeated: true) }

    /// `field(_:)` for every message and field number of `S`, packed one byte each for the
    /// validator's inner loop: bits 0-2 hold the wire type + 1 (0 = unknown field), bit 3 says
    /// repeated, bits 4-7 hold the child message's raw value + 1 (0 = not a message).
    /// A family has at most 15 messages, numbered from 0.
    static func packedRules<S: ProtobufMessageSchema>(for _: S.Type) -> [UInt8] {
        let stride = S.maxFieldNumber + 1
        var table = [UInt8](repeating: 0, count: S.allCases.count * stride)
        for schema in S.allCases {
            precondition(Int(schema.rawValue) < min(15, S.allCases.count), "message raw values must be 0..<15 and dense")
            for number in 0...S.maxFieldNumber {
                guard let rule = schema.field(UInt64(number)) else { continue }
                var packed = rule.wireType.rawValue + 1
                if rule.repeated { packed |= 0x08 }
                if let child = rule.message { packed |= (child + 1) << 4 }
                table[Int(schema.rawValue) * stride + number] = packed
            }
        }
        return table
    }
}
