"""A small schema.org vocabulary: the types this site's JSON-LD uses, each with the properties schema.org gives
it (its own and inherited), and the properties consumers need on each (the issue's list). `problems(node)`
walks a JSON-LD object and names every unknown type, every property its type does not have, every missing
required property and every URL that is not absolute.

Kept to what the site uses: a new type or property fails here until someone checks schema.org and adds it.
"""

from urllib.parse import urlsplit

THING = {"@context", "@type", "@id", "name", "description", "url", "image", "sameAs", "identifier"}
CREATIVE_WORK = THING | {
    "headline",
    "author",
    "publisher",
    "datePublished",
    "dateModified",
    "inLanguage",
    "keywords",
    "about",
    "isAccessibleForFree",
    "isPartOf",
    "mainEntityOfPage",
    "wordCount",
    "offers",
    "provider",
    "timeRequired",
    "reviewedBy",
}

PROPERTIES = {
    "Article": CREATIVE_WORK,
    "WebPage": CREATIVE_WORK | {"lastReviewed", "reviewedBy", "mainEntity", "breadcrumb"},
    "WebSite": CREATIVE_WORK | {"potentialAction"},
    "Book": CREATIVE_WORK | {"bookFormat", "bookEdition", "isbn", "numberOfPages"},
    "Course": CREATIVE_WORK
    | {"hasCourseInstance", "courseCode", "coursePrerequisites", "educationalCredentialAwarded"},
    "LearningResource": CREATIVE_WORK | {"learningResourceType", "educationalLevel", "teaches"},
    "CourseInstance": THING | {"courseMode", "courseWorkload", "courseSchedule", "instructor", "startDate", "endDate"},
    "Person": THING | {"jobTitle", "honorificSuffix", "hasCredential", "affiliation", "worksFor"},
    "Organization": THING | {"logo", "email"},
    "Offer": THING | {"price", "priceCurrency", "availability", "category", "seller", "validFrom"},
    "EducationalOccupationalCredential": THING | {"credentialCategory"},
    "BreadcrumbList": THING | {"itemListElement", "numberOfItems"},
    "ListItem": THING | {"position", "item"},
    "SearchAction": THING | {"target", "query-input"},
    "EntryPoint": THING | {"urlTemplate"},
    "Thing": THING,
    "CollectionPage": CREATIVE_WORK | {"mainEntity", "lastReviewed"},
    "ProfilePage": CREATIVE_WORK | {"mainEntity"},
}

REQUIRED = {
    "Article": {"headline", "image", "datePublished", "dateModified", "author", "publisher"},
    "Course": {"name", "description", "provider", "hasCourseInstance", "offers"},
    "CourseInstance": {"courseMode", "courseWorkload"},
    "Book": {"name", "author", "bookFormat", "offers"},
    "Offer": {"price", "priceCurrency", "availability", "url"},
    "Person": {"name"},
    "ListItem": {"position", "name", "item"},
}

# Properties whose values are URLs (or lists of them) and must be absolute.
URL_PROPERTIES = {"url", "image", "sameAs", "item", "@id", "urlTemplate", "availability", "bookFormat"}


def _absolute(value) -> bool:
    parts = urlsplit(str(value))
    return parts.scheme in {"http", "https"} and bool(parts.netloc)


def problems(node, where: str = "") -> list[str]:
    """Everything wrong with a JSON-LD node and the nodes inside it."""
    found = []
    if isinstance(node, list):
        for index, item in enumerate(node):
            found += problems(item, f"{where}[{index}]")
        return found
    if not isinstance(node, dict):
        return found
    kind = node.get("@type")
    if kind is None:
        if set(node) - {"@id"}:
            found.append(f"{where}: an object without @type")
        return found
    if kind not in PROPERTIES:
        return [f"{where}: unknown type {kind}"]
    here = f"{where}/{kind}"
    # A reference to a thing described on its own page (a lesson's course) need not repeat what that page says.
    reference = where.endswith((".isPartOf", ".mainEntityOfPage"))
    found += _own_problems(node, kind, here, inside_author=where.endswith("author"), reference=reference)
    for name, value in node.items():
        if isinstance(value, dict | list):
            found += problems(value, f"{here}.{name}")
    return found


def _own_problems(node: dict, kind: str, here: str, *, inside_author: bool, reference: bool) -> list[str]:
    """What is wrong with this node itself (not the nodes inside it)."""
    found = [f"{here}: {kind} has no property {name}" for name in node if name not in PROPERTIES[kind]]
    required = () if reference else REQUIRED.get(kind, ())
    found += [f"{here}: missing {name}" for name in required if node.get(name) in (None, "", [])]
    if kind == "Person" and inside_author and "url" not in node:
        found.append(f"{here}: an author needs a url")
    for name in URL_PROPERTIES & set(node):
        values = node[name] if isinstance(node[name], list) else [node[name]]
        found += [
            f"{here}.{name}: {value!r} is not an absolute URL"
            for value in values
            if isinstance(value, str) and not _absolute(value)
        ]
    if kind == "BreadcrumbList":
        positions = [item.get("position") for item in node.get("itemListElement", [])]
        if positions != list(range(1, len(positions) + 1)):
            found.append(f"{here}: positions {positions} are not 1, 2, 3…")
    if kind == "CourseInstance" and not str(node.get("courseWorkload", "")).startswith("P"):
        found.append(f"{here}: courseWorkload {node.get('courseWorkload')!r} is not an ISO 8601 duration")
    return found
