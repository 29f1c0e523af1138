package apigw

import "testing"

func TestPageJSON(t *testing.T) {
	tests := []struct {
		name string
		page any
		want string
	}{
		{"nil items, last page", NewPage[string](nil, ""), `{"items":[]}`},
		{"empty items with a cursor", NewPage([]int{}, "abc"), `{"items":[],"nextCursor":"abc"}`},
		{"items", NewPage([]string{"a<b", "c"}, ""), `{"items":["a<b","c"]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := JSON(200, tt.page, NoStore).Body; got != tt.want {
				t.Errorf("got %s; want %s", got, tt.want)
			}
		})
	}
}
