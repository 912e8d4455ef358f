import ArgumentParser
import Reports

/// `--format text|json|sarif` of analyze and compare.
extension ReportFormat: ExpressibleByArgument {}
