import Testing

@testable import GoSource

/// AP1 through a function that is given the ranged map: it inserts into its parameter, which
/// is the map being ranged (blind batch 6's u-attrs-alias-normalize, whose source check had
/// "contradicted" a true positive). Next to the healthy calls that look the same.
@Suite struct AP1PassedMapTests {
    static let source = """
        package main

        import "strings"

        type Event struct{ Attrs map[string]string }

        type Enricher struct{ n int }

        func (e *Enricher) alias(attrs map[string]string, k string) {
        \tattrs[strings.ToLower(k)] = attrs[k]
        }

        func addUpper(m map[string]string, k string) {
        \tm[strings.ToUpper(k)] = m[k]
        }

        func (e *Enricher) count(attrs map[string]string, k string) int {
        \treturn len(attrs[k])
        }

        func (e *Enricher) fresh(attrs map[string]string, k string) {
        \tattrs = map[string]string{}
        \tattrs[k] = ""
        }

        func put(dst map[string]string, k, v string) {
        \tdst[k] = v
        }

        func (e *Enricher) ByMethod(ev *Event) {
        \tfor k := range ev.Attrs {
        \t\te.alias(ev.Attrs, k)
        \t}
        }

        func (e *Enricher) ByFunction(ev *Event) {
        \tattrs := ev.Attrs
        \tfor k := range ev.Attrs {
        \t\taddUpper(attrs, k)
        \t}
        }

        func (e *Enricher) Reads(ev *Event) int {
        \tn := 0
        \tfor k := range ev.Attrs {
        \t\tn += e.count(ev.Attrs, k)
        \t}
        \treturn n
        }

        func (e *Enricher) Rebinds(ev *Event) {
        \tfor k := range ev.Attrs {
        \t\te.fresh(ev.Attrs, k)
        \t}
        }

        func (e *Enricher) CopyOnWrite(ev *Event) {
        \tnext := make(map[string]string, len(ev.Attrs))
        \tfor k, v := range ev.Attrs {
        \t\tput(next, strings.ToLower(k), v)
        \t}
        \tev.Attrs = next
        }
        """

    static func check(_ function: String, _ hot: String) -> ShapeResult {
        HardNegativeTests.check(source, .ap1, function, [hot])
    }

    @Test func aMethodGivenTheRangedMapThatInsertsIntoItIsAnInsertDuringRange() {
        let result = Self.check("main.(*Enricher).ByMethod", "e.alias(ev.Attrs, k)")
        HardNegativeTests.expectConfirmed(result, "e.alias(ev.Attrs, k)")
        #expect(result.shape == .rangeInsert && result.reason.hasPrefix("e.alias() inserts into ev.Attrs"), "\(result)")
    }

    @Test func aFunctionGivenAnAliasOfTheRangedMapThatInsertsIntoItIsAnInsertDuringRange() {
        HardNegativeTests.expectConfirmed(Self.check("main.(*Enricher).ByFunction", "addUpper(attrs, k)"), "addUpper(attrs, k)")
    }

    @Test func aCalleeThatOnlyReadsOrRebindsItsParameterIsNot() {
        HardNegativeTests.expectNotConfirmed(Self.check("main.(*Enricher).Reads", "n += e.count(ev.Attrs, k)"))
        HardNegativeTests.expectNotConfirmed(Self.check("main.(*Enricher).Rebinds", "e.fresh(ev.Attrs, k)"))
    }

    @Test func aCalleeGivenTheNewMapOfACopyOnWriteRebuildIsNot() {
        HardNegativeTests.expectNotConfirmed(Self.check("main.(*Enricher).CopyOnWrite", "put(next, strings.ToLower(k), v)"))
    }
}
