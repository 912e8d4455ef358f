@testable import Analysis
import Foundation
import Pprof
import Testing

/// pprof's symbolization heuristics for names that look like demangled C++.
@Suite struct FunctionNamesTests {
    func function(name: String, systemName: String) -> Function {
        var function = Function()
        function.name = name
        function.systemName = systemName
        return function
    }

    @Test func keepsGoNames() {
        #expect(FunctionNames.displayName(function(name: "main.(*Cache).Get", systemName: "main.(*Cache).Get")) == "main.(*Cache).Get")
        #expect(FunctionNames.displayName(function(name: "pkg.(*T[...]).M", systemName: "pkg.(*T[...]).M")) == "pkg.(*T[...]).M")
        #expect(FunctionNames.displayName(function(name: "pkg.f[...]", systemName: "pkg.f[...]")) == "pkg.f[...]")
    }

    @Test func simplifiesDemangledCPlusPlusAndRust() {
        #expect(FunctionNames.displayName(function(name: "", systemName: "std::vector<int>::push_back(int const&)")) == "std::vector::push_back")
        #expect(FunctionNames.displayName(function(name: "<F as warp::generic::Func<()>>::call", systemName: "<F as warp::generic::Func<()>>::call")) == "::call")
    }

    @Test func keepsJavaConstructorsAndNamesThatDifferFromTheSystemName() {
        #expect(FunctionNames.displayName(function(name: "", systemName: "java.util.HashMap.<init>")) == "java.util.HashMap.<init>")
        #expect(FunctionNames.displayName(function(name: "a::b<c>", systemName: "_ZN1a1bI1cEE")) == "a::b<c>")
    }

    @Test func fillsAnEmptyNameFromTheSystemName() {
        #expect(FunctionNames.displayName(function(name: "", systemName: "do_work")) == "do_work")
    }

    @Test func stopsAtAnUnbalancedCloser() {
        #expect(FunctionNames.removeMatching("a(b)c)d(e)", open: UInt8(ascii: "("), close: UInt8(ascii: ")")) == "ac)d(e)")
        #expect(FunctionNames.removeMatching("f(g(h))i", open: UInt8(ascii: "("), close: UInt8(ascii: ")")) == "fi")
    }
}
