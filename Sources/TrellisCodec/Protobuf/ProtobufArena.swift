import CProtobufC

/// A bump allocator handed to libprotobuf-c as its `ProtobufCAllocator`: one request's
/// decode allocates from one buffer, and `reset()` frees all of it in one step.
///
/// `free` is a no-op; when the buffer is full `alloc` returns NULL, which makes
/// `*_unpack` return nil cleanly, and `exhausted` tells that case apart from bad input.
/// Not thread-safe: keep one arena per connection or per decoder.
final class ProtobufArena {
    struct State {
        var base: UnsafeMutableRawPointer
        var capacity: Int
        var used: Int
        var exhausted: Bool
    }

    private let state: UnsafeMutablePointer<State>
    private(set) var allocator: ProtobufCAllocator

    init(capacity: Int) {
        state = .allocate(capacity: 1)
        state.initialize(to: State(base: .allocate(byteCount: capacity, alignment: 16), capacity: capacity, used: 0, exhausted: false))
        allocator = ProtobufCAllocator(
            alloc: { data, size in
                let arena = data!.assumingMemoryBound(to: ProtobufArena.State.self)
                let start = (arena.pointee.used + 15) & ~15
                guard size <= arena.pointee.capacity - start else {
                    arena.pointee.exhausted = true
                    return nil
                }
                arena.pointee.used = start + size
                return arena.pointee.base + start
            },
            free: { _, _ in },
            allocator_data: UnsafeMutableRawPointer(state)
        )
    }

    deinit {
        state.pointee.base.deallocate()
        state.deallocate()
    }

    /// Bytes the arena can hand out.
    var capacity: Int { state.pointee.capacity }

    /// True when the last decode ran out of arena space.
    var exhausted: Bool { state.pointee.exhausted }

    /// Forgets every allocation; the next decode reuses the buffer from the start.
    func reset() {
        state.pointee.used = 0
        state.pointee.exhausted = false
    }

    /// Replaces the buffer with a larger one (discarding its contents).
    func grow(to capacity: Int) {
        state.pointee.base.deallocate()
        state.pointee.base = .allocate(byteCount: capacity, alignment: 16)
        state.pointee.capacity = capacity
        reset()
    }

    /// Runs a protobuf-c `*_unpack` function on `bytes` into the arena, growing it (up to
    /// `maxExpansion` × the body plus 1 MiB) while the unpack runs out of room. The result lives
    /// until the next `reset()`.
    /// - Throws: `.decodeMemoryExceeded` past the limit; `.unpackFailed` when protobuf-c refuses the body.
    func unpack<Message>(
        _ bytes: UnsafeRawBufferPointer, as name: String, maxExpansion: Int,
        _ unpack: (UnsafeMutablePointer<ProtobufCAllocator>, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<Message>?
    ) throws(CodecError) -> UnsafeMutablePointer<Message> {
        let limit = bytes.count * maxExpansion + (1 << 20)
        while true {
            reset()
            var allocator = self.allocator
            if let message = unpack(&allocator, bytes.count, bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)) {
                return message
            }
            guard exhausted else { throw .unpackFailed(message: name) }
            guard capacity < limit else { throw .decodeMemoryExceeded(limit: limit) }
            grow(to: min(limit, capacity * 2))
        }
    }
}
