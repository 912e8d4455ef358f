#ifndef PROFLENS_CCURL_SHIM_H
#define PROFLENS_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call: one typed
// wrapper for each kind of argument proflens passes.
static inline CURLcode proflens_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode proflens_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}
static inline CURLcode proflens_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}
typedef size_t (*proflens_curl_write_function)(char *data, size_t size, size_t count, void *context);
static inline CURLcode proflens_curl_setopt_write_function(CURL *handle, CURLoption option, proflens_curl_write_function function) {
    return curl_easy_setopt(handle, option, function);
}
typedef int (*proflens_curl_progress_function)(void *context, curl_off_t downloadTotal, curl_off_t downloaded,
                                               curl_off_t uploadTotal, curl_off_t uploaded);
static inline CURLcode proflens_curl_setopt_progress_function(CURL *handle, proflens_curl_progress_function function) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, function);
}
static inline CURLcode proflens_curl_getinfo_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode proflens_curl_getinfo_string(CURL *handle, CURLINFO info, char **value) {
    return curl_easy_getinfo(handle, info, value);
}
static inline CURLcode proflens_curl_getinfo_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
#endif
