// Package template reads eportal's SAM template (template.yaml at the module
// root), the one place where routes and the DynamoDB table are declared.
//
// The local server mounts the handlers on Routes, tests check that every
// route has a handler, and the local table creator builds its CreateTable
// request with TableInput, so none of them can drift from what is deployed.
//
// The template is walked as a yaml.Node tree because a plain decode into maps
// silently drops CloudFormation's short-form tags: `ApiId: !Ref HttpApi`
// would read as the string "HttpApi". Lookup returns tagged values, and their
// long forms ({"Ref": "HttpApi"}), as Intrinsic.
package template
