/// Whether the client runs the app's lifespan protocol around its life.
public enum LifespanMode: Sendable {
    /// Run it; an app that does not support lifespan (raises on the scope) is used without it.
    case auto
    /// Run it; an app that does not support it is an error.
    case on
    /// Never send lifespan events.
    case off
}
