import Testing
import TrellisModel

@Suite("Civil dates")
struct CivilDateTests {
    @Test(arguments: [
        (Int64(0), "1970-01-01"), (-1, "1969-12-31"), (11_016, "2000-02-29"), (19_782, "2024-02-29"),
        (20_422, "2025-11-30"), (2_932_896, "9999-12-31"),
    ])
    func daysAndDatesConvertBothWays(days: Int64, text: String) {
        let date = CivilDate(daysSinceEpoch: days)
        #expect(date.text == text)
        #expect(date.daysSinceEpoch == days)
    }

    @Test func aUnixTimeFallsOnItsUTCDay() {
        #expect(CivilDate(unixNanos: 86_400_000_000_000 - 1).text == "1970-01-01")
        #expect(CivilDate(unixNanos: 1_764_460_800_000_000_000).text == "2025-11-30")
    }
}
