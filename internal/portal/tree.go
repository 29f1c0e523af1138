package portal

// CategoryNode is a category with its children, for readers who get the whole
// tree in one call.
type CategoryNode struct {
	Category
	Children []*CategoryNode `json:"children"`
}

// Tree arranges flat categories into a forest. Siblings keep the order of
// cats (the store sorts by position). A category whose parent is missing is
// shown as a root rather than lost; categories on a parent cycle, which no
// root reaches, are left out.
func Tree(cats []Category) []*CategoryNode {
	nodes := make(map[string]*CategoryNode, len(cats))
	for _, c := range cats {
		nodes[c.ID] = &CategoryNode{Category: c, Children: []*CategoryNode{}}
	}
	roots := []*CategoryNode{}
	for _, c := range cats {
		n := nodes[c.ID]
		parent, ok := nodes[c.ParentID]
		if c.ParentID == "" || !ok {
			roots = append(roots, n)
			continue
		}
		parent.Children = append(parent.Children, n)
	}
	return roots
}
