/// Where a consent stands (DOMAIN.md "Statuses").
public enum ConsentStatus: String, Codable, Sendable, CaseIterable {
    case draft, pending, approved, rejected, expired
    /// Replaced by an approved change request ("Request Changes").
    case superseded

    public var words: String {
        switch self {
        case .draft: return "Draft"
        case .pending: return "Pending approval"
        case .approved: return "Approved"
        case .rejected: return "Rejected"
        case .expired: return "Expired"
        case .superseded: return "Superseded"
        }
    }
}

/// One change of status, with who made it and when. The history is never rewritten.
public struct StatusChange: Codable, Sendable, Equatable {
    public var status: ConsentStatus
    public var at: Timestamp
    public var by: String
    public var message: String?
    public init(status: ConsentStatus, at: Timestamp, by: String, message: String? = nil) {
        self.status = status; self.at = at; self.by = by; self.message = message
    }
}

/// A sent request, frozen, with its history.
public struct Consent: Codable, Sendable, Equatable {
    public var id: Int64
    public var request: ConsentRequest
    public var appName: String
    public var districtName: String
    public var vendor: String
    public var organization: String
    public var sentAt: Timestamp
    public var history: [StatusChange]

    public init(id: Int64, request: ConsentRequest, appName: String, districtName: String, vendor: String,
                organization: String, sentAt: Timestamp, history: [StatusChange]) {
        self.id = id; self.request = request; self.appName = appName; self.districtName = districtName
        self.vendor = vendor; self.organization = organization; self.sentAt = sentAt; self.history = history
    }

    /// Who may move a consent from one status to the next: the district decides a pending request.
    public func decide(_ status: ConsentStatus, today: Day) throws {
        let now = self.status(today: today)
        guard now == .pending else {
            throw DomainError("consent \(id) is \(now.rawValue), not pending; only a pending request can be \(status.rawValue)")
        }
    }

    /// The status as reported today: an approved consent past its expiration reports `expired`.
    public func status(today: Day) -> ConsentStatus {
        let recorded = history.last?.status ?? .pending
        if recorded == .approved, let e = request.expires, e < today { return .expired }
        return recorded
    }
}
