package template

import (
	"fmt"
	"sort"
)

// BucketConsumer is a function fed by a bucket's S3 event (a SAM event of
// Type S3).
type BucketConsumer struct {
	Function string // the function's logical ID
	Event    string // the event's name under Events
	Bucket   string // the bucket's logical ID (the event's !Ref)
	Events   string // the S3 event types, e.g. s3:ObjectCreated:*
	Prefix   string // the key prefix filter, "" for none
}

// BucketConsumers returns the S3 events of every function, sorted by
// function and event. It fails when an event's Bucket is not a !Ref to a
// bucket of the template (SAM requires one) or its Events is not one string.
func (t *Template) BucketConsumers() ([]BucketConsumer, error) {
	var out []BucketConsumer
	for _, fn := range t.Functions() {
		evs, _ := t.Lookup("Resources", fn, "Properties", "Events")
		m, _ := evs.(map[string]any)
		for name, ev := range m {
			ev, _ := ev.(map[string]any)
			if ev["Type"] != "S3" {
				continue
			}
			props, _ := ev["Properties"].(map[string]any)
			c := BucketConsumer{Function: fn, Event: name}
			ref, ok := props["Bucket"].(Intrinsic)
			c.Bucket, _ = ref.Value.(string)
			if !ok || ref.Tag != "!Ref" || t.ResourceType(c.Bucket) != "AWS::S3::Bucket" {
				return nil, fmt.Errorf("%s.%s: Bucket: want !Ref to a bucket of the template, got %v", fn, name, props["Bucket"])
			}
			if c.Events, ok = props["Events"].(string); !ok {
				return nil, fmt.Errorf("%s.%s: Events: want one event type, got %v", fn, name, props["Events"])
			}
			filter, _ := props["Filter"].(map[string]any)
			key, _ := filter["S3Key"].(map[string]any)
			rules, _ := key["Rules"].([]any)
			for _, r := range rules {
				r, _ := r.(map[string]any)
				if r["Name"] == "prefix" {
					c.Prefix, _ = r["Value"].(string)
				}
			}
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Function != out[j].Function {
			return out[i].Function < out[j].Function
		}
		return out[i].Event < out[j].Event
	})
	return out, nil
}
