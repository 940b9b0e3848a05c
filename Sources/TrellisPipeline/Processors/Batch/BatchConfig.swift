import TrellisModel

/// `processors.batch`, with the OpenTelemetry Collector's keys.
public struct BatchConfig: Decodable, Sendable, Hashable {
    /// Spans that trigger a send. Default 8192.
    public var sendBatchSize = 8192
    /// The most spans in one send; larger batches are split. 0 (default) means no limit.
    public var sendBatchMaxSize = 0
    /// The longest a span waits before a send. Default 200ms.
    public var timeout = ConfigDuration.milliseconds(200)

    public init(sendBatchSize: Int = 8192, sendBatchMaxSize: Int = 0, timeout: ConfigDuration = .milliseconds(200)) {
        self.sendBatchSize = sendBatchSize
        self.sendBatchMaxSize = sendBatchMaxSize
        self.timeout = timeout
    }

    private enum CodingKeys: String, CodingKey, CaseIterable {
        case sendBatchSize = "send_batch_size"
        case sendBatchMaxSize = "send_batch_max_size"
        case timeout
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        sendBatchSize = try c.decodeIfPresent(Int.self, forKey: .sendBatchSize) ?? sendBatchSize
        sendBatchMaxSize = try c.decodeIfPresent(Int.self, forKey: .sendBatchMaxSize) ?? sendBatchMaxSize
        timeout = try c.decodeIfPresent(ConfigDuration.self, forKey: .timeout) ?? timeout
        try validate(path: ConfigPath.dotted(decoder.codingPath))
    }

    public func validate(path: String = "processors.batch") throws(ConfigError) {
        if sendBatchSize < 1 { throw .invalidValue(path: path + ".send_batch_size", reason: "must be at least 1, got \(sendBatchSize)") }
        if sendBatchMaxSize < 0 || (sendBatchMaxSize > 0 && sendBatchMaxSize < sendBatchSize) {
            throw .invalidValue(path: path + ".send_batch_max_size", reason: "must be 0 (no limit) or at least send_batch_size (\(sendBatchSize)), got \(sendBatchMaxSize)")
        }
        if timeout.nanoseconds <= 0 { throw .invalidValue(path: path + ".timeout", reason: "must be greater than 0") }
    }
}
