package template

import (
	"encoding/json"
	"fmt"
	"strings"
)

// TypeEventSourceMapping is the resource that feeds a function from a stream.
const TypeEventSourceMapping = "AWS::Lambda::EventSourceMapping"

// StreamConsumer is a function fed by the table's stream: what an
// AWS::Lambda::EventSourceMapping of the template says Lambda does, which
// infra/streamlocal does the same way locally.
type StreamConsumer struct {
	Mapping  string // the mapping's logical ID
	Function string // the function's logical ID (FunctionName: !Ref …)
	// KeyPrefix is the one filter a mapping may have: only records whose
	// partition key PK starts with it invoke the function ("" for none).
	KeyPrefix string
	// BatchSize is the most records one invocation gets.
	BatchSize int
	// MaxRetries is how many times a failed batch is retried before it is
	// given up on (MaximumRetryAttempts; -1 for Lambda's default, until the
	// records expire).
	MaxRetries int
}

// StreamConsumers returns the template's event source mappings on the
// Table's stream, sorted by logical ID. It fails on one it cannot emulate: a
// FunctionName that is not a !Ref to a function of the template, a missing
// BatchSize, or a filter other than one PK prefix.
func (t *Template) StreamConsumers() ([]StreamConsumer, error) {
	var out []StreamConsumer
	for _, id := range t.ResourcesOfType(TypeEventSourceMapping) {
		c, err := t.streamConsumer(id)
		if err != nil {
			return nil, fmt.Errorf("stream consumer %s: %w", id, err)
		}
		if c != nil {
			out = append(out, *c)
		}
	}
	return out, nil
}

func (t *Template) streamConsumer(id string) (*StreamConsumer, error) {
	prop := func(key string) (any, bool) { return t.Lookup("Resources", id, "Properties", key) }
	src, _ := prop("EventSourceArn")
	if !strings.Contains(fmt.Sprint(src), TableID+".StreamArn") {
		return nil, nil // not the table's stream
	}
	fn, _ := prop("FunctionName")
	ref, ok := fn.(Intrinsic)
	name, _ := ref.Value.(string)
	if !ok || ref.Tag != "!Ref" || t.ResourceType(name) != TypeFunction {
		return nil, fmt.Errorf("FunctionName: want !Ref to a function of the template, got %v", fn)
	}
	c := &StreamConsumer{Mapping: id, Function: name, MaxRetries: -1}
	if n, ok := prop("BatchSize"); !ok {
		return nil, fmt.Errorf("BatchSize: missing")
	} else if c.BatchSize, ok = n.(int); !ok || c.BatchSize < 1 {
		return nil, fmt.Errorf("BatchSize: want a positive integer, got %v", n)
	}
	if n, ok := prop("MaximumRetryAttempts"); ok {
		if c.MaxRetries, ok = n.(int); !ok || c.MaxRetries < -1 {
			return nil, fmt.Errorf("MaximumRetryAttempts: want an integer, got %v", n)
		}
	}
	filters, _ := t.Lookup("Resources", id, "Properties", "FilterCriteria", "Filters")
	list, _ := filters.([]any)
	switch {
	case filters == nil:
	case len(list) != 1:
		return nil, fmt.Errorf("FilterCriteria: want one filter, got %v", filters)
	default:
		f, _ := list[0].(map[string]any)
		pattern, _ := f["Pattern"].(string)
		prefix, err := keyPrefix(pattern)
		if err != nil {
			return nil, fmt.Errorf("FilterCriteria: %w", err)
		}
		c.KeyPrefix = prefix
	}
	return c, nil
}

// keyPrefix reads the one filter pattern the local stream emulation
// supports: {"dynamodb": {"Keys": {"PK": {"S": [{"prefix": "…"}]}}}}.
func keyPrefix(pattern string) (string, error) {
	var p struct {
		DynamoDB struct {
			Keys struct {
				PK struct {
					S []struct {
						Prefix string `json:"prefix"`
					} `json:"S"`
				} `json:"PK"`
			} `json:"Keys"`
		} `json:"dynamodb"`
	}
	dec := json.NewDecoder(strings.NewReader(pattern))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil || len(p.DynamoDB.Keys.PK.S) != 1 || p.DynamoDB.Keys.PK.S[0].Prefix == "" {
		return "", fmt.Errorf(`pattern %q: want {"dynamodb": {"Keys": {"PK": {"S": [{"prefix": "…"}]}}}} (%v)`, pattern, err)
	}
	return p.DynamoDB.Keys.PK.S[0].Prefix, nil
}
