/// The nearest-rank definition of a quantile: the `fraction` quantile of `count` ordered values is
/// the value at rank ⌈fraction × count⌉ (1-based), at least 1.
///
/// The product is taken in binary floating point, where a decimal fraction is not exact: 0.07 × 100
/// is 7.000000000000001, whose ceiling would be one rank too high. A product within a few units in
/// the last place of a whole number is taken as that whole number.
public enum NearestRank {
    /// The rank (1...count) of the `fraction` (clamped to 0...1) quantile of `count` values; 0 when count is 0.
    public static func of(_ fraction: Double, count: UInt64) -> UInt64 {
        guard count > 0 else { return 0 }
        let product = min(max(fraction, 0), 1) * Double(count)
        let whole = product.rounded()
        let rank = abs(product - whole) <= 4 * whole.ulp ? whole : product.rounded(.up)
        return min(count, max(1, UInt64(rank)))
    }
}
