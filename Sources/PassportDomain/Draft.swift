/// The open request draft of one vendor account, with its steps for undo and redo.
public struct Draft: Codable, Sendable, Equatable {
    public struct Step: Codable, Sendable, Equatable {
        public var label: String
        public var request: ConsentRequest
    }

    public private(set) var request: ConsentRequest
    /// The label of the change that made `request`.
    public private(set) var label: String
    public private(set) var undoSteps: [Step] = []
    public private(set) var redoSteps: [Step] = []

    public init(_ request: ConsentRequest, label: String) { self.request = request; self.label = label }

    /// A draft put back together by a store that keeps its steps apart (oldest step first).
    public init(_ request: ConsentRequest, label: String, undoSteps: [Step], redoSteps: [Step]) {
        self.request = request; self.label = label; self.undoSteps = undoSteps; self.redoSteps = redoSteps
    }

    /// The request and its label alone, without the steps.
    public var withoutSteps: Draft { Draft(request, label: label) }

    /// Applies one change; a change that leaves the request as it was is not a step.
    @discardableResult
    public mutating func change(_ label: String, _ edit: (inout ConsentRequest) throws -> Void) throws -> Bool {
        var next = request
        try edit(&next)
        guard next != request else { return false }
        undoSteps.append(Step(label: self.label, request: request))
        redoSteps.removeAll()
        request = next
        self.label = label
        return true
    }

    /// Steps back; returns the label of the change undone.
    public mutating func undo() -> String? {
        guard let prev = undoSteps.popLast() else { return nil }
        redoSteps.append(Step(label: label, request: request))
        let undone = label
        request = prev.request; label = prev.label
        return undone
    }

    /// Steps forward again; returns the label of the change redone.
    public mutating func redo() -> String? {
        guard let next = redoSteps.popLast() else { return nil }
        undoSteps.append(Step(label: label, request: request))
        request = next.request; label = next.label
        return label
    }
}
