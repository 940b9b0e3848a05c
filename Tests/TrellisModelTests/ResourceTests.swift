import Testing
import TrellisModel

@Suite struct ResourceTests {
    @Test(arguments: [nil, "", "   ", "\t\n"] as [String?])
    func aMissingEmptyOrBlankServiceNameIsUnknownService(_ name: String?) {
        let resource = Resource(attributes: name.map { [Attribute("service.name", .string($0))] } ?? [])
        #expect(resource.serviceName == "unknown_service")
    }

    @Test func aServiceNameThatIsNotAStringIsUnknownService() {
        #expect(Resource(attributes: [Attribute("service.name", .int(7))]).serviceName == "unknown_service")
    }

    @Test func aNamedServiceKeepsItsName() {
        #expect(Resource(attributes: [Attribute("service.name", .string(" node-service "))]).serviceName == " node-service ")
    }
}
