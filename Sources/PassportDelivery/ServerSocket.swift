import Glibc

/// The TCP connection under an SSH session: resolved, connected within a time limit,
/// and left blocking with send and receive timeouts so no read can hang for ever.
struct ServerSocket {
    let descriptor: Int32

    /// Tries each address the host resolves to, in order, until one accepts.
    static func connect(to endpoint: SFTPEndpoint, timeoutSeconds: Int) throws -> ServerSocket {
        guard (1...65_535).contains(endpoint.port) else {
            throw SFTPError.connect(endpoint, reason: "\(endpoint.port) is not a TCP port number")
        }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_NUMERICSERV | AI_ADDRCONFIG
        var found: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(endpoint.host, String(endpoint.port), &hints, &found)
        guard status == 0, let first = found else {
            let reason = status == EAI_SYSTEM ? errnoText(errno) : String(cString: gai_strerror(status))
            throw SFTPError.resolve(endpoint, reason: reason)
        }
        defer { freeaddrinfo(first) }

        var lastReason = "no address to connect to"
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let address = candidate {
            candidate = address.pointee.ai_next
            switch attempt(address.pointee, timeoutSeconds: timeoutSeconds) {
            case .success(let descriptor): return ServerSocket(descriptor: descriptor)
            case .failure(let reason): lastReason = reason.text
            }
        }
        throw SFTPError.connect(endpoint, reason: lastReason)
    }

    func close() {
        _ = Glibc.close(descriptor)
    }

    private struct Failure: Error { let text: String }

    private static func attempt(_ address: addrinfo, timeoutSeconds: Int) -> Result<Int32, Failure> {
        let fd = socket(address.ai_family, address.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), address.ai_protocol)
        guard fd >= 0 else { return .failure(Failure(text: errnoText(errno))) }

        // Connect without blocking so that the wait can be bounded by poll.
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(fd, address.ai_addr, address.ai_addrlen) != 0 {
            guard errno == EINPROGRESS else {
                let reason = errnoText(errno)
                _ = Glibc.close(fd)
                return .failure(Failure(text: reason))
            }
            var waiting = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            var ready: Int32
            repeat {
                ready = poll(&waiting, 1, Int32(clamping: timeoutSeconds * 1000))
            } while ready < 0 && errno == EINTR
            if ready <= 0 {
                let reason = ready == 0 ? "no answer within \(timeoutSeconds) seconds" : errnoText(errno)
                _ = Glibc.close(fd)
                return .failure(Failure(text: reason))
            }
            var pending: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            if getsockopt(fd, SOL_SOCKET, SO_ERROR, &pending, &length) != 0 || pending != 0 {
                let reason = errnoText(pending != 0 ? pending : errno)
                _ = Glibc.close(fd)
                return .failure(Failure(text: reason))
            }
        }
        _ = fcntl(fd, F_SETFL, flags)

        var limit = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var on: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        return .success(fd)
    }
}

/// The C library's wording for an errno value, e.g. "Connection refused".
func errnoText(_ code: Int32) -> String {
    String(cString: strerror(code))
}
