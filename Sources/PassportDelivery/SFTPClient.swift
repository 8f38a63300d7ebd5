import CSSH2
import Glibc

/// libssh2 wants one global initialisation; a global is initialised lazily and exactly once,
/// even when several threads open their first client at the same time.
private let libssh2Status: Int32 = libssh2_init(0)

/// One logged-in SFTP connection, in blocking mode: every call waits for the server's answer,
/// bounded by the timeout given when connecting. The only type that talks to libssh2.
/// Not safe to share between threads; open one client per delivery.
public final class SFTPClient {
    private let endpoint: SFTPEndpoint
    private let timeoutSeconds: Int
    private var socket: ServerSocket?
    private var session: OpaquePointer?
    private var sftp: OpaquePointer?
    private let posixRename: cssh2_posix_rename_function?

    /// The server's host key as `ssh` prints it: `SHA256:` and the unpadded base64 of its SHA-256.
    public let hostKeyFingerprint: String
    /// The server's SSH version banner, e.g. `SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3`.
    public let banner: String?

    /// Connects, logs in with the password and starts SFTP. Everything opened is released if a step fails.
    ///
    /// With `expectedHostKey` (a fingerprint as `hostKeyFingerprint` gives it), a server presenting
    /// any other key is refused before the password is sent; without it, nothing about the key is checked.
    public init(_ endpoint: SFTPEndpoint, timeoutSeconds: Int = 10, expectedHostKey: String? = nil) throws {
        let timeout = min(max(1, timeoutSeconds), 86_400)
        guard libssh2Status == 0 else {
            throw SFTPError.handshake(endpoint, reason: "libssh2 could not initialise (error \(libssh2Status))")
        }
        let socket = try ServerSocket.connect(to: endpoint, timeoutSeconds: timeout)
        guard let session = cssh2_session_init() else {
            socket.close()
            throw SFTPError.handshake(endpoint, reason: "libssh2 could not allocate a session")
        }
        var shookHands = false
        var sftp: OpaquePointer?
        do {
            libssh2_session_set_blocking(session, 1)
            libssh2_session_set_timeout(session, timeout * 1000)
            guard libssh2_session_handshake(session, socket.descriptor) == 0 else {
                throw SFTPError.handshake(endpoint, reason: Self.reason(session, timeout))
            }
            shookHands = true
            hostKeyFingerprint = try Self.fingerprint(of: session, endpoint)
            if let expectedHostKey, !Self.sameFingerprint(expectedHostKey, hostKeyFingerprint) {
                throw SFTPError.unexpectedHostKey(endpoint, presented: hostKeyFingerprint, expected: expectedHostKey)
            }
            banner = libssh2_session_banner_get(session).map { String(cString: $0).trimmingSpaces }
            try Self.logIn(session, endpoint, timeout)
            guard let started = libssh2_sftp_init(session) else {
                throw SFTPError.startSFTP(endpoint, reason: Self.reason(session, timeout))
            }
            sftp = started
        } catch {
            Self.release(sftp: sftp, session: session, politely: shookHands, socket: socket)
            throw error
        }
        self.endpoint = endpoint
        self.timeoutSeconds = timeout
        self.socket = socket
        self.session = session
        self.sftp = sftp
        self.posixRename = cssh2_find_posix_rename()
    }

    deinit {
        close()
    }

    /// Ends the SFTP session and the connection. Safe to call more than once.
    public func close() {
        Self.release(sftp: sftp, session: session, politely: true, socket: socket)
        sftp = nil
        session = nil
        socket = nil
    }

    // MARK: - Files and folders

    /// The entries of a remote folder (without `.` and `..`), sorted by name.
    public func list(_ path: String) throws -> [(name: String, isDirectory: Bool, size: UInt64)] {
        let sftp = try open(for: .list, path)
        guard let handle = cssh2_sftp_open_directory(sftp, path) else {
            throw failure(.list, path)
        }
        defer { libssh2_sftp_close_handle(handle) }

        var entries: [(name: String, isDirectory: Bool, size: UInt64)] = []
        var name = [CChar](repeating: 0, count: 4096)
        while true {
            var attributes = LIBSSH2_SFTP_ATTRIBUTES()
            let length = cssh2_sftp_readdir(handle, &name, name.count, &attributes)
            if length == 0 { break }
            guard length > 0 else { throw failure(.list, path) }
            let entry = String(decoding: name[0..<Int(length)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if entry == "." || entry == ".." { continue }
            entries.append((entry, Self.isDirectory(attributes), Self.size(attributes)))
        }
        return entries.sorted { $0.name < $1.name }
    }

    /// Creates one folder (mode 0750); its parent must exist.
    public func makeDirectory(_ path: String) throws {
        let sftp = try open(for: .makeDirectory, path)
        guard cssh2_sftp_mkdir(sftp, path, 0o750) == 0 else {
            throw failure(.makeDirectory, path)
        }
    }

    /// Writes `bytes` as the whole content of `path`, creating or truncating it, with mode 0640.
    public func upload(_ bytes: [UInt8], to path: String) throws {
        let sftp = try open(for: .upload, path)
        let flags = UInt(LIBSSH2_FXF_WRITE | LIBSSH2_FXF_CREAT | LIBSSH2_FXF_TRUNC)
        guard let handle = cssh2_sftp_open_file(sftp, path, flags, 0o640) else {
            throw failure(.upload, path)
        }
        do {
            // The mode given to open only applies to a new file; a truncated one keeps its old mode.
            var attributes = LIBSSH2_SFTP_ATTRIBUTES()
            attributes.flags = UInt(LIBSSH2_SFTP_ATTR_PERMISSIONS)
            attributes.permissions = 0o640
            _ = cssh2_sftp_fsetstat(handle, &attributes)

            try bytes.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let count = min(buffer.count - offset, 1 << 20)
                    let start = buffer.baseAddress!.advanced(by: offset).assumingMemoryBound(to: CChar.self)
                    let written = libssh2_sftp_write(handle, start, count)
                    guard written > 0 else { throw failure(.upload, path) }
                    offset += written
                }
            }
        } catch {
            libssh2_sftp_close_handle(handle)
            throw error
        }
        // The server may report a failed write only when the file is closed.
        guard libssh2_sftp_close_handle(handle) == 0 else {
            throw failure(.upload, path)
        }
    }

    /// Renames a file or folder. Uses posix-rename@openssh.com where both libssh2 (1.11 and
    /// later) and the server support it; otherwise a plain SFTP rename, which OpenSSH performs
    /// atomically but refuses when `to` already exists.
    public func rename(_ from: String, to: String) throws {
        let sftp = try open(for: .rename, from)
        if let posixRename {
            let status = from.withCString { source in
                to.withCString { destination in
                    posixRename(sftp, source, strlen(source), destination, strlen(destination))
                }
            }
            if status == 0 { return }
            guard sftpStatus() == UInt(LIBSSH2_FX_OP_UNSUPPORTED) else {
                throw failure(.rename, from, to: to)
            }
        }
        guard cssh2_sftp_rename(sftp, from, to) == 0 else {
            throw failure(.rename, from, to: to)
        }
    }

    /// Removes one file.
    public func remove(_ path: String) throws {
        let sftp = try open(for: .remove, path)
        guard cssh2_sftp_unlink(sftp, path) == 0 else {
            throw failure(.remove, path)
        }
    }

    /// Removes one empty folder.
    public func removeDirectory(_ path: String) throws {
        let sftp = try open(for: .removeDirectory, path)
        guard cssh2_sftp_rmdir(sftp, path) == 0 else {
            throw failure(.removeDirectory, path)
        }
    }

    /// Whether anything (file, folder, link target) exists at `path`.
    public func exists(_ path: String) throws -> Bool {
        let sftp = try open(for: .stat, path)
        var attributes = LIBSSH2_SFTP_ATTRIBUTES()
        if cssh2_sftp_stat(sftp, path, &attributes) == 0 { return true }
        let status = sftpStatus()
        if status == UInt(LIBSSH2_FX_NO_SUCH_FILE) || status == UInt(LIBSSH2_FX_NO_SUCH_PATH) { return false }
        throw failure(.stat, path)
    }

    // MARK: - Plumbing

    private func open(for operation: SFTPError.Operation, _ path: String) throws -> OpaquePointer {
        guard let sftp else {
            throw SFTPError.file(operation, endpoint, path: path, reason: "the connection is already closed")
        }
        return sftp
    }

    /// The SFTP status code of the last failed request, or nil if the failure was not the server's answer.
    private func sftpStatus() -> UInt? {
        guard let session, let sftp, Self.lastError(of: session).code == LIBSSH2_ERROR_SFTP_PROTOCOL else {
            return nil
        }
        return libssh2_sftp_last_error(sftp)
    }

    private func failure(_ operation: SFTPError.Operation, _ path: String, to destination: String? = nil) -> SFTPError {
        let reason: String
        if let status = sftpStatus() {
            reason = Self.describe(status: status, during: operation)
        } else if let session {
            reason = Self.reason(session, timeoutSeconds)
        } else {
            reason = "the connection is already closed"
        }
        return SFTPError.file(operation, endpoint, path: path, to: destination, reason: reason)
    }

    private static func logIn(_ session: OpaquePointer, _ endpoint: SFTPEndpoint, _ timeout: Int) throws {
        let user = endpoint.user
        guard let offered = libssh2_userauth_list(session, user, UInt32(user.utf8.count)) else {
            // A NULL list means either that "none" was accepted or that the server hung up.
            if libssh2_userauth_authenticated(session) != 0 { return }
            throw SFTPError.authenticate(endpoint, reason: reason(session, timeout))
        }
        let methods = String(cString: offered).split(separator: ",").map(String.init)
        let status: Int32
        if methods.contains("password") {
            status = cssh2_userauth_password(session, user, endpoint.password)
        } else if methods.contains("keyboard-interactive") {
            status = cssh2_userauth_keyboard_interactive(session, user, endpoint.password)
        } else {
            throw SFTPError.authenticate(
                endpoint, reason: "the server offers only \(methods.joined(separator: ", ")), not a password login")
        }
        guard status == 0 else {
            throw SFTPError.authenticate(endpoint, reason: reason(session, timeout))
        }
    }

    private static func fingerprint(of session: OpaquePointer, _ endpoint: SFTPEndpoint) throws -> String {
        guard let hash = libssh2_hostkey_hash(session, LIBSSH2_HOSTKEY_HASH_SHA256) else {
            throw SFTPError.handshake(endpoint, reason: "libssh2 gave no SHA-256 hash of the host key")
        }
        let digest = UnsafeRawBufferPointer(start: hash, count: 32)
        return "SHA256:" + unpaddedBase64(Array(digest))
    }

    /// Tolerates the forms people paste: with or without `SHA256:`, with or without `=` padding.
    private static func sameFingerprint(_ given: String, _ actual: String) -> Bool {
        func bare(_ text: String) -> Substring {
            var text = Substring(text.trimmingSpaces)
            if text.hasPrefix("SHA256:") { text = text.dropFirst(7) }
            while text.hasSuffix("=") { text = text.dropLast() }
            return text
        }
        return bare(given) == bare(actual)
    }

    private static func release(sftp: OpaquePointer?, session: OpaquePointer?, politely: Bool, socket: ServerSocket?) {
        if let sftp { libssh2_sftp_shutdown(sftp) }
        if let session {
            if politely { cssh2_session_disconnect(session, "delivery finished") }
            libssh2_session_free(session)
        }
        socket?.close()
    }

    /// libssh2's last error, with what it means for the connection said first where libssh2's
    /// own words (e.g. "Unable to send FXP_OPEN*") would leave a person guessing.
    private static func reason(_ session: OpaquePointer, _ timeout: Int) -> String {
        let (code, message) = lastError(of: session)
        switch code {
        case LIBSSH2_ERROR_TIMEOUT, LIBSSH2_ERROR_SOCKET_TIMEOUT:
            return "no answer within \(timeout) seconds (\(message))"
        case LIBSSH2_ERROR_SOCKET_SEND, LIBSSH2_ERROR_SOCKET_RECV, LIBSSH2_ERROR_SOCKET_DISCONNECT,
             LIBSSH2_ERROR_SOCKET_NONE:
            return "the connection was lost (\(message))"
        default:
            return message
        }
    }

    private static func lastError(of session: OpaquePointer) -> (code: Int32, message: String) {
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        guard let message, length > 0 else { return (code, "libssh2 error \(code)") }
        let bytes = UnsafeRawBufferPointer(start: message, count: Int(length))
        return (code, String(decoding: bytes, as: UTF8.self))
    }

    private static func isDirectory(_ attributes: LIBSSH2_SFTP_ATTRIBUTES) -> Bool {
        guard attributes.flags & UInt(LIBSSH2_SFTP_ATTR_PERMISSIONS) != 0 else { return false }
        return attributes.permissions & UInt(LIBSSH2_SFTP_S_IFMT) == UInt(LIBSSH2_SFTP_S_IFDIR)
    }

    private static func size(_ attributes: LIBSSH2_SFTP_ATTRIBUTES) -> UInt64 {
        attributes.flags & UInt(LIBSSH2_SFTP_ATTR_SIZE) != 0 ? attributes.filesize : 0
    }

    /// The server's answer to a request, in words; SFTP version 3 says little more than "failure".
    private static func describe(status: UInt, during operation: SFTPError.Operation) -> String {
        switch Int32(clamping: status) {
        case Int32(LIBSSH2_FX_EOF): return "unexpected end of file"
        case Int32(LIBSSH2_FX_NO_SUCH_FILE), Int32(LIBSSH2_FX_NO_SUCH_PATH): return "no such file or folder"
        case Int32(LIBSSH2_FX_PERMISSION_DENIED): return "permission denied"
        case Int32(LIBSSH2_FX_FAILURE):
            switch operation {
            case .makeDirectory: return "the server refused (does it exist already?)"
            case .rename: return "the server refused (does the destination exist already?)"
            case .removeDirectory: return "the server refused (is the folder empty?)"
            default: return "the server refused without giving a reason"
            }
        case Int32(LIBSSH2_FX_OP_UNSUPPORTED): return "the server does not support this operation"
        case Int32(LIBSSH2_FX_FILE_ALREADY_EXISTS): return "it exists already"
        case Int32(LIBSSH2_FX_WRITE_PROTECT): return "the server's storage is write-protected"
        case Int32(LIBSSH2_FX_NO_SPACE_ON_FILESYSTEM): return "no space left on the server"
        case Int32(LIBSSH2_FX_QUOTA_EXCEEDED): return "the account's quota is exceeded"
        case Int32(LIBSSH2_FX_DIR_NOT_EMPTY): return "the folder is not empty"
        case Int32(LIBSSH2_FX_NOT_A_DIRECTORY): return "not a folder"
        case Int32(LIBSSH2_FX_INVALID_FILENAME): return "the name is not valid on the server"
        case Int32(LIBSSH2_FX_NO_CONNECTION), Int32(LIBSSH2_FX_CONNECTION_LOST): return "the connection was lost"
        default: return "the server answered with SFTP status \(status)"
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
