/// The function of the source that a profile's function name stands for: compiler-made wrappers
/// (`f.deferwrap1`, `f.gowrap1`, `(*T).M-fm`, `f-range1`) are their function's code, so a
/// finding names the function the user wrote.
public enum SourceFunctionName {
    /// `main.(*Ledger).Transfer.deferwrap1` -> `main.(*Ledger).Transfer`; other names as given.
    public static func enclosing(_ name: String) -> String {
        RuntimeName.strippingWrappers(name)
    }
}
