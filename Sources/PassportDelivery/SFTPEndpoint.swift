/// Where to deliver: an SFTP server and the account to log in with.
public struct SFTPEndpoint: Sendable {
    public var host: String
    public var port: Int
    public var user: String
    /// Sent only to the server during authentication; never part of an error or a description.
    public var password: String

    public init(host: String, port: Int = 22, user: String, password: String) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
    }

    /// `host:port`, with IPv6 literals in brackets, as a person would type it.
    public var address: String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
