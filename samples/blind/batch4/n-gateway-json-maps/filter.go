package main

import "strings"

// fieldPolicy says which request fields an upstream may receive. Nested
// objects are filtered with the policy registered under "<field>.".
type fieldPolicy struct {
	allowed map[string]bool
	nested  map[string]*fieldPolicy
	redact  map[string]bool
}

func newPolicy(fields ...string) *fieldPolicy {
	p := &fieldPolicy{allowed: map[string]bool{}, nested: map[string]*fieldPolicy{}, redact: map[string]bool{}}
	for _, f := range fields {
		switch {
		case strings.HasPrefix(f, "!"):
			p.allowed[f[1:]] = true
			p.redact[f[1:]] = true
		default:
			p.allowed[f] = true
		}
	}
	return p
}

func (p *fieldPolicy) with(field string, sub *fieldPolicy) *fieldPolicy {
	p.allowed[field] = true
	p.nested[field] = sub
	return p
}

// apply returns a new object holding only the allowed fields of in.
func (p *fieldPolicy) apply(in map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(p.allowed))
	for k, v := range in {
		if !p.allowed[k] {
			continue
		}
		if p.redact[k] {
			out[k] = "***"
			continue
		}
		if sub, ok := p.nested[k]; ok {
			switch t := v.(type) {
			case map[string]interface{}:
				out[k] = sub.apply(t)
			case []interface{}:
				items := make([]interface{}, 0, len(t))
				for _, it := range t {
					if obj, ok := it.(map[string]interface{}); ok {
						items = append(items, sub.apply(obj))
					}
				}
				out[k] = items
			}
			continue
		}
		out[k] = v
	}
	return out
}
