namespace Tide.Testing;

/// <summary>The Gateway API's CRDs reduced to what Canaries need: HTTPRoute (gateway.networking.k8s.io/v1) with an
/// open schema, for the embedded API server.</summary>
public static class GatewayApiCrds
{
    public const string HttpRoute = """
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata:
          name: httproutes.gateway.networking.k8s.io
        spec:
          group: gateway.networking.k8s.io
          names:
            kind: HTTPRoute
            listKind: HTTPRouteList
            plural: httproutes
            singular: httproute
          scope: Namespaced
          versions:
            - name: v1
              served: true
              storage: true
              schema:
                openAPIV3Schema:
                  type: object
                  x-kubernetes-preserve-unknown-fields: true
              subresources:
                status: {}
        """;
}
