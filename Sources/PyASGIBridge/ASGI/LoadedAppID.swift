/// The id of an app object loaded on the loop thread.
package struct LoadedAppID: Sendable, Hashable {
    package let id: Int
}
