/// A body on its way from a service: read `descriptor` to its end (it ends early when the
/// transfer fails), then `closeReading()`; `finish()`, then or meanwhile on another thread,
/// says whether the transfer succeeded. A failed transfer's reason explains a truncated or
/// empty read better than what the reader made of it.
public final class FetchedBody: Sendable {
    /// The URL as messages name it.
    public let source: String
    private let transfer: CurlTransfer

    init(source: String, transfer: CurlTransfer) {
        self.source = source
        self.transfer = transfer
    }

    /// Read the body here, as standard input is read.
    public var descriptor: Int32 { transfer.descriptor }

    /// Done reading (whether or not the body ended): a transfer still under way stops.
    public func closeReading() { transfer.closeReading() }

    /// Waits for the transfer to end (the body all handed over, the transfer failed, or
    /// reading closed); throws why it failed, if it did. It may be called while another
    /// thread still reads.
    public func finish() throws(FetchError) {
        if let reason = transfer.finish() { throw FetchError(source: source, reason: reason) }
    }
}
