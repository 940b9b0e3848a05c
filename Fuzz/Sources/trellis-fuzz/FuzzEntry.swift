import Foundation

/// libFuzzer's entry: runs the target named by the environment variable `TRELLIS_FUZZ_TARGET`
/// (see `FuzzTarget`) on one input. Invariant violations trap, which libFuzzer reports as a
/// crash and saves the input for.
@_cdecl("LLVMFuzzerTestOneInput")
public func trellisFuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    FuzzTarget.selected.run(bytes)
    return 0
}
