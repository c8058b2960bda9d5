import factory

from analysis.models import Attribute, Opportunity
from samples.tests.factories import ConceptFactory, CycleFactory, VariantFactory  # noqa: F401 (re-exported)


class AttributeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Attribute
        django_get_or_create = ("kind", "name")

    kind = Attribute.Kind.MATERIAL
    name = "sherpa"


class OpportunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opportunity
        skip_postgeneration_save = True

    cycle = factory.SubFactory(CycleFactory)
    category = "blanket"
    market = "US"
    key = factory.Sequence(lambda n: f"blanket|US|sherpa{n}")
    score = 72.0
    rank = factory.Sequence(lambda n: n + 1)

    @factory.post_generation
    def attributes(self, create, extracted, **kwargs):
        if create:
            self.attributes.add(*(extracted or [AttributeFactory()]))
