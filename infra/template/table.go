package template

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"go.yaml.in/yaml/v3"
)

// TableID is the logical ID of eportal's one DynamoDB table.
const TableID = "Table"

// TableInput builds the CreateTable request for the Table resource, named
// tableName: its AttributeDefinitions, KeySchema, GlobalSecondaryIndexes and
// LocalSecondaryIndexes (with their projections), BillingMode and
// StreamSpecification (DynamoDB Local keeps a stream too, which
// infra/streamlocal reads for the search indexer). Properties
// DynamoDB Local has no use for (point-in-time recovery, SSE, deletion
// protection, tags, TTL) are left out; see TTLAttribute for TTL.
//
// It fails, naming the property, when there is no Table resource, a value is
// not a plain string (an intrinsic cannot be resolved here), a key schema is
// not one HASH key optionally followed by one RANGE key, a key attribute is
// missing from AttributeDefinitions (or a definition is used by no key, which
// DynamoDB rejects), the billing mode is not PAY_PER_REQUEST, or the stream
// view type is not one DynamoDB knows.
func (t *Template) TableInput(tableName string) (*dynamodb.CreateTableInput, error) {
	r := t.resources[TableID]
	if r == nil {
		return nil, fmt.Errorf("table input: no resource %q in template", TableID)
	}
	if typ := t.ResourceType(TableID); typ != TypeTable {
		return nil, fmt.Errorf("table input: resource %s is %s, want %s", TableID, typ, TypeTable)
	}
	in, err := tableInput(child(r, "Properties"))
	if err != nil {
		return nil, fmt.Errorf("table input: %s: %w", TableID, err)
	}
	in.TableName = aws.String(tableName)
	return in, nil
}

// TTLAttribute returns the attribute named by the Table's enabled
// TimeToLiveSpecification, or "" when TTL is off or there is no table.
// DynamoDB Local keeps the setting (UpdateTimeToLive) but never deletes
// expired items.
func (t *Template) TTLAttribute() string {
	spec := at(t.resources[TableID], "Properties", "TimeToLiveSpecification")
	if on, _ := str(child(spec, "Enabled")); !strings.EqualFold(on, "true") {
		return ""
	}
	name, _ := str(child(spec, "AttributeName"))
	return name
}

func tableInput(props *yaml.Node) (*dynamodb.CreateTableInput, error) {
	in := &dynamodb.CreateTableInput{}
	mode, _ := str(child(props, "BillingMode"))
	if mode != string(types.BillingModePayPerRequest) {
		return nil, fmt.Errorf("BillingMode: %q is not supported, want PAY_PER_REQUEST", mode)
	}
	in.BillingMode = types.BillingModePayPerRequest

	defs := at(props, "AttributeDefinitions")
	err := eachItem(defs, "AttributeDefinitions", func(where string, n *yaml.Node) error {
		name, err := plain(n, where, "AttributeName")
		if err != nil {
			return err
		}
		typ, err := plain(n, where, "AttributeType")
		if err != nil {
			return err
		}
		if typ != "S" && typ != "N" && typ != "B" {
			return fmt.Errorf("%s.AttributeType: %q is not S, N or B", where, typ)
		}
		in.AttributeDefinitions = append(in.AttributeDefinitions, types.AttributeDefinition{
			AttributeName: aws.String(name), AttributeType: types.ScalarAttributeType(typ),
		})
		return nil
	})
	if err != nil {
		return nil, err
	}
	unused := map[string]bool{}
	for _, d := range in.AttributeDefinitions {
		unused[*d.AttributeName] = true
	}
	keys := func(n *yaml.Node, where string) ([]types.KeySchemaElement, error) {
		ks, err := keySchema(n, where)
		for _, k := range ks {
			if _, defined := unused[*k.AttributeName]; !defined {
				return nil, fmt.Errorf("%s: attribute %q is not in AttributeDefinitions", where, *k.AttributeName)
			}
			unused[*k.AttributeName] = false
		}
		return ks, err
	}

	if in.KeySchema, err = keys(child(props, "KeySchema"), "KeySchema"); err != nil {
		return nil, err
	}
	err = eachItem(child(props, "GlobalSecondaryIndexes"), "GlobalSecondaryIndexes", func(where string, n *yaml.Node) error {
		name, ks, proj, err := index(n, where, keys)
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, types.GlobalSecondaryIndex{IndexName: name, KeySchema: ks, Projection: proj})
		return err
	})
	if err != nil {
		return nil, err
	}
	err = eachItem(child(props, "LocalSecondaryIndexes"), "LocalSecondaryIndexes", func(where string, n *yaml.Node) error {
		name, ks, proj, err := index(n, where, keys)
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{IndexName: name, KeySchema: ks, Projection: proj})
		return err
	})
	if err != nil {
		return nil, err
	}
	for _, d := range in.AttributeDefinitions {
		if unused[*d.AttributeName] {
			return nil, fmt.Errorf("AttributeDefinitions: %q is not a key of the table or an index", *d.AttributeName)
		}
	}
	if spec := child(props, "StreamSpecification"); spec != nil {
		view, err := plain(spec, "StreamSpecification", "StreamViewType")
		if err != nil {
			return nil, err
		}
		if !slices.Contains(types.StreamViewType("").Values(), types.StreamViewType(view)) {
			return nil, fmt.Errorf("StreamSpecification.StreamViewType: %q is not one of %v", view, types.StreamViewType("").Values())
		}
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(view)}
	}
	return in, nil
}

// index reads an index's IndexName, KeySchema (through keys) and Projection.
func index(n *yaml.Node, where string, keys func(*yaml.Node, string) ([]types.KeySchemaElement, error)) (*string, []types.KeySchemaElement, *types.Projection, error) {
	name, err := plain(n, where, "IndexName")
	if err != nil {
		return nil, nil, nil, err
	}
	where = fmt.Sprintf("%s (%s)", where, name)
	ks, err := keys(child(n, "KeySchema"), where+".KeySchema")
	if err != nil {
		return nil, nil, nil, err
	}
	p := child(n, "Projection")
	typ, err := plain(p, where+".Projection", "ProjectionType")
	if err != nil {
		return nil, nil, nil, err
	}
	proj := &types.Projection{ProjectionType: types.ProjectionType(typ)}
	err = eachItem(child(p, "NonKeyAttributes"), where+".Projection.NonKeyAttributes", func(w string, a *yaml.Node) error {
		s, ok := str(a)
		if !ok {
			return fmt.Errorf("%s: want a plain string, got %s", w, describe(a))
		}
		proj.NonKeyAttributes = append(proj.NonKeyAttributes, s)
		return nil
	})
	return aws.String(name), ks, proj, err
}

// keySchema reads a KeySchema: one HASH element, then optionally one RANGE.
func keySchema(n *yaml.Node, where string) ([]types.KeySchemaElement, error) {
	var ks []types.KeySchemaElement
	err := eachItem(n, where, func(w string, e *yaml.Node) error {
		name, err := plain(e, w, "AttributeName")
		if err != nil {
			return err
		}
		typ, err := plain(e, w, "KeyType")
		if err != nil {
			return err
		}
		want := "HASH"
		if len(ks) == 1 {
			want = "RANGE"
		}
		if typ != want || len(ks) > 1 {
			return fmt.Errorf("%s.KeyType: got %q, want one HASH key then at most one RANGE key", w, typ)
		}
		ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(name), KeyType: types.KeyType(typ)})
		return nil
	})
	if err == nil && len(ks) == 0 {
		err = fmt.Errorf("%s: want a HASH key, got %s", where, describe(n))
	}
	return ks, err
}

// eachItem calls fn for each element of list n (none when n is nil), with
// where naming the element, e.g. "KeySchema[1]".
func eachItem(n *yaml.Node, where string, fn func(where string, item *yaml.Node) error) error {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode || isCustomTag(n.Tag) {
		return fmt.Errorf("%s: want a list, got %s", where, describe(n))
	}
	for i, item := range n.Content {
		if err := fn(fmt.Sprintf("%s[%d]", where, i), deref(item)); err != nil {
			return err
		}
	}
	return nil
}

// plain returns the plain-string value of key in mapping n.
func plain(n *yaml.Node, where, key string) (string, error) {
	v := child(n, key)
	s, ok := str(v)
	if !ok || s == "" {
		return "", fmt.Errorf("%s.%s: want a plain string, got %s", where, key, describe(v))
	}
	return s, nil
}
