#include "CRE2.h"

#include <re2/re2.h>

struct proflens_re2 {
    re2::RE2 regex;

    static re2::RE2::Options options() {
        re2::RE2::Options options;
        options.set_encoding(re2::RE2::Options::EncodingUTF8);
        // A refused pattern is reported to the caller, not logged to stderr.
        options.set_log_errors(false);
        return options;
    }

    proflens_re2(const char *pattern, size_t length) : regex(re2::StringPiece(pattern, length), options()) {}
};

proflens_re2 *proflens_re2_new(const char *pattern, size_t length) {
    return new proflens_re2(pattern, length);
}

int proflens_re2_error_code(const proflens_re2 *re) {
    return re->regex.error_code();
}

const char *proflens_re2_error_arg(const proflens_re2 *re) {
    return re->regex.error_arg().c_str();
}

bool proflens_re2_partial_match(const proflens_re2 *re, const char *text, size_t length) {
    return re2::RE2::PartialMatch(re2::StringPiece(text, length), re->regex);
}

void proflens_re2_free(proflens_re2 *re) {
    delete re;
}
