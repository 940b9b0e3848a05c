import TrellisCodec

/// gRPC's length-prefixed message framing for unary requests: one message, a 5-byte header
/// (compressed flag, big-endian length) and the bytes, inflated when compressed.
enum GRPCMessageFraming {
    /// The declared length of the first message, once its header has arrived.
    static func declaredLength(_ data: [UInt8]) -> Int? {
        guard data.count >= 5 else { return nil }
        return Int(data[1]) << 24 | Int(data[2]) << 16 | Int(data[3]) << 8 | Int(data[4])
    }

    /// A message with its 5-byte prefix (uncompressed).
    static func frame(_ message: [UInt8]) -> [UInt8] {
        var framed = [UInt8]()
        framed.reserveCapacity(5 + message.count)
        framed.append(0)
        framed.append(UInt8(truncatingIfNeeded: message.count >> 24))
        framed.append(UInt8(truncatingIfNeeded: message.count >> 16))
        framed.append(UInt8(truncatingIfNeeded: message.count >> 8))
        framed.append(UInt8(truncatingIfNeeded: message.count))
        framed.append(contentsOf: message)
        return framed
    }

    /// A request's message, or the answer that refuses it.
    enum Outcome {
        case message([UInt8])
        case refuse(GRPCResponse)
    }

    static func message(from data: [UInt8], encoding: String?, limit: Int) -> Outcome {
        guard data.count >= 5 else {
            return .refuse(GRPCResponse(status: .invalidArgument,
                                        message: data.isEmpty ? "request carries no gRPC message" : "truncated gRPC frame header: \(data.count) of 5 bytes"))
        }
        let length = declaredLength(data)!
        guard length <= limit else {
            return .refuse(GRPCResponse(status: .resourceExhausted, message: "message of \(length) bytes exceeds the limit of \(limit) bytes"))
        }
        guard data.count >= 5 + length else {
            return .refuse(GRPCResponse(status: .invalidArgument, message: "truncated gRPC message: expected \(length) bytes, got \(data.count - 5)"))
        }
        guard data.count == 5 + length else {
            return .refuse(GRPCResponse(status: .invalidArgument, message: "a unary call carries one message; \(data.count - 5 - length) more bytes followed it"))
        }
        let payload = Array(data[5...])
        switch data[0] {
        case 0:
            return .message(payload)
        case 1:
            guard let encoding, encoding != "identity" else {
                return .refuse(GRPCResponse(status: .internal, message: "message is flagged compressed but grpc-encoding names no compression"))
            }
            guard encoding == "gzip" else {
                return .refuse(GRPCResponse(status: .unimplemented, message: "grpc-encoding '\(encoding)' is not supported; use gzip or identity"))
            }
            do throws(CodecError) {
                return .message(try Gzip.inflate(payload, limit: limit))
            } catch .decompressedTooLarge {
                return .refuse(GRPCResponse(status: .resourceExhausted, message: "inflated message exceeds the limit of \(limit) bytes"))
            } catch {
                return .refuse(GRPCResponse(status: .internal, message: "compressed message does not inflate: \(error)"))
            }
        default:
            return .refuse(GRPCResponse(status: .invalidArgument, message: "invalid compressed flag \(data[0]) in gRPC frame header"))
        }
    }
}
