package dynamo

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Attribute values and stored times.

func sv(s string) types.AttributeValue { return &types.AttributeValueMemberS{Value: s} }
func nv(n int) types.AttributeValue    { return &types.AttributeValueMemberN{Value: strconv.Itoa(n)} }

func number(n int64) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}
}

func numberAttr(v types.AttributeValue) (int64, error) {
	n, ok := v.(*types.AttributeValueMemberN)
	if !ok {
		return 0, fmt.Errorf("want a number, got %T", v)
	}
	return strconv.ParseInt(n.Value, 10, 64)
}

func stringAttr(item map[string]types.AttributeValue, name string) string {
	if v, ok := item[name].(*types.AttributeValueMemberS); ok {
		return v.Value
	}
	return ""
}

// projection returns a ProjectionExpression of names through placeholders,
// which spares checking each against DynamoDB's reserved words.
func projection(names ...string) (string, map[string]string) {
	ph := make([]string, len(names))
	m := make(map[string]string, len(names))
	for i, n := range names {
		ph[i] = "#p" + strconv.Itoa(i)
		m[ph[i]] = n
	}
	return strings.Join(ph, ", "), m
}

// Times are stored as fixed-width UTC strings so that they sort as text.
const (
	timeLayout  = "2006-01-02T15:04:05Z"
	milliLayout = "2006-01-02T15:04:05.000Z"
)

func formatTime(t time.Time) string  { return t.UTC().Format(timeLayout) }
func formatMilli(t time.Time) string { return t.UTC().Format(milliLayout) }

func formatTimePtr(t *time.Time) string {
	if t == nil {
		return ""
	}
	return formatTime(*t)
}

func parseTimePtr(s string) (*time.Time, error) {
	if s == "" {
		return nil, nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return nil, err
	}
	t = t.UTC()
	return &t, nil
}
