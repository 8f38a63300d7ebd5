/// Something that went wrong talking to an SFTP server, worded for the person at the terminal:
/// what was being done, with which server, and the reason the server or libssh2 gave.
/// It never carries the password.
public struct SFTPError: Error, CustomStringConvertible, Sendable {
    /// The step that failed.
    public enum Operation: String, Sendable {
        case resolve, connect, handshake, verifyHostKey, authenticate, startSFTP
        case list, makeDirectory, upload, rename, remove, removeDirectory, stat
    }

    public var operation: Operation
    /// `host:port` of the server.
    public var server: String
    /// The reason given by the system, the server or libssh2.
    public var reason: String
    public var description: String

    init(_ operation: Operation, server: String, what: String, reason: String) {
        self.operation = operation
        self.server = server
        self.reason = reason
        self.description = "\(what): \(reason)."
    }
}

extension SFTPError {
    static func resolve(_ endpoint: SFTPEndpoint, reason: String) -> SFTPError {
        SFTPError(.resolve, server: endpoint.address,
                  what: "Cannot find the SFTP server \(endpoint.host) (port \(endpoint.port))", reason: reason)
    }

    static func connect(_ endpoint: SFTPEndpoint, reason: String) -> SFTPError {
        SFTPError(.connect, server: endpoint.address,
                  what: "Cannot connect to the SFTP server at \(endpoint.address)", reason: reason)
    }

    static func handshake(_ endpoint: SFTPEndpoint, reason: String) -> SFTPError {
        SFTPError(.handshake, server: endpoint.address,
                  what: "The SSH handshake with \(endpoint.address) failed", reason: reason)
    }

    static func unexpectedHostKey(_ endpoint: SFTPEndpoint, presented: String, expected: String) -> SFTPError {
        SFTPError(.verifyHostKey, server: endpoint.address,
                  what: "The SFTP server at \(endpoint.address) is not the one expected",
                  reason: "its host key is \(presented), not \(expected); the password was not sent")
    }

    static func authenticate(_ endpoint: SFTPEndpoint, reason: String) -> SFTPError {
        SFTPError(.authenticate, server: endpoint.address,
                  what: "\(endpoint.address) did not let user \(endpoint.user) log in with the password given",
                  reason: redacting(endpoint.password, in: reason))
    }

    static func startSFTP(_ endpoint: SFTPEndpoint, reason: String) -> SFTPError {
        SFTPError(.startSFTP, server: endpoint.address,
                  what: "Logged in to \(endpoint.address), but the server would not start SFTP", reason: reason)
    }

    /// A failed file operation on an open connection.
    static func file(_ operation: Operation, _ endpoint: SFTPEndpoint, path: String, to destination: String? = nil,
                     reason: String) -> SFTPError {
        let what: String
        switch operation {
        case .list: what = "Cannot list \(path) on \(endpoint.address)"
        case .makeDirectory: what = "Cannot create the folder \(path) on \(endpoint.address)"
        case .upload: what = "Cannot write \(path) on \(endpoint.address)"
        case .rename: what = "Cannot rename \(path) to \(destination ?? "?") on \(endpoint.address)"
        case .remove: what = "Cannot remove the file \(path) on \(endpoint.address)"
        case .removeDirectory: what = "Cannot remove the folder \(path) on \(endpoint.address)"
        case .stat: what = "Cannot look up \(path) on \(endpoint.address)"
        default: what = "\(operation.rawValue) \(path) on \(endpoint.address) failed"
        }
        return SFTPError(operation, server: endpoint.address, what: what,
                         reason: redacting(endpoint.password, in: reason))
    }

    /// libssh2 never echoes a password, but a reason is text from elsewhere: make sure.
    private static func redacting(_ password: String, in reason: String) -> String {
        guard !password.isEmpty, reason.contains(password) else { return reason }
        return reason.replacing(password, with: "•••")
    }
}
