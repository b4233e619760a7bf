"""Reference lists for the demo-data generator: names, nicknames, streets, e-mail domains, products.

Lists are ordered by popularity: the generator draws from them with Zipf-like weights, so the
first entries ("Jan", "Marie", "Peeters", "Dubois") repeat a lot and the tail is rare.
"""

from __future__ import annotations

# --- first names (by language, then gender), most popular first ------------------------------

FIRST_NAMES: dict[str, dict[str, list[str]]] = {
    "nl": {
        "M": [
            "Jan", "Luc", "Marc", "Peter", "Dirk", "Johan", "Patrick", "Tom", "Bart", "Koen", "Wim",
            "Geert", "Kris", "Filip", "Frank", "Stefan", "Pieter", "Jozef", "Johannes", "Willem",
            "Hendrik", "Thomas", "Lucas", "Noah", "Arthur", "Louis", "Jules", "Victor", "Lars",
            "Wout", "Jens", "Dries", "Jeroen", "Joris", "Maarten", "Niels", "Sven", "Stijn", "Bram",
            "Ruben", "Alexander", "Frederik", "Robert", "Benjamin", "Cornelis", "Petrus",
            "Michiel", "Raf", "Guido", "Eddy", "Rudi", "Erik", "Gunther", "Hans", "Simon",
            "Mathias", "Ward", "Senne", "Kevin", "Glenn", "Jonas", "Noël", "André", "René",
            "Christiaan", "Steven", "Sebastiaan", "Daan", "Emiel", "Gilles", "Lowie", "Milan",
            "Seppe", "Vincent", "Dimitri", "Ivo", "Karel", "Paul", "Jérôme", "Joël",
        ],
        "F": [
            "Maria", "Anna", "Els", "An", "Sofie", "Katrien", "Sarah", "Lien", "Nathalie", "Veerle",
            "Inge", "Griet", "Hilde", "Ann", "Karin", "Kristel", "Elisabeth", "Johanna",
            "Margaretha", "Emma", "Louise", "Olivia", "Marie", "Julie", "Laura", "Lotte", "Eline",
            "Hanne", "Lisa", "Charlotte", "Nina", "Fien", "Mila", "Noor", "Ella", "Lore", "Jolien",
            "Leen", "Tine", "Evi", "Kelly", "Sandra", "Martine", "Christine", "Linda", "Monique",
            "Rita", "Godelieve", "Paula", "Lieve", "Greta", "Zoë", "Anaïs", "Renée", "Noëlle",
            "Chloë", "Febe", "Amber", "Marieke", "Marleen", "Ilse", "Caroline", "Catherine",
            "Stephanie", "Wendy", "Tinne", "Hélène", "Jacqueline", "Rosa", "Yvonne", "Frieda",
        ],
    },
    "fr": {
        "M": [
            "Jean", "Pierre", "Michel", "Philippe", "Alain", "Daniel", "Jacques", "Christian",
            "Marc", "Patrick", "André", "Claude", "Bernard", "Nicolas", "Christophe", "Thierry",
            "Olivier", "Frédéric", "Laurent", "Éric", "Stéphane", "Didier", "Pascal", "Vincent",
            "Benoît", "François", "Guillaume", "Jérôme", "Julien", "Sébastien", "Maxime",
            "Antoine", "Hugo", "Louis", "Arthur", "Gabriel", "Nathan", "Théo", "Lucas", "Mathis",
            "Noah", "Raphaël", "Adrien", "Quentin", "Romain", "Cédric", "Grégory", "Xavier", "Yves",
            "Joseph", "Robert", "Henri", "Georges", "René", "Noël", "Émile", "Léon", "Jules",
            "Victor", "Alexandre", "Thomas", "Benjamin", "Fabrice", "Régis", "Luc", "Guy", "Serge",
            "Marcel", "Francis",
        ],
        "F": [
            "Marie", "Anne", "Nathalie", "Isabelle", "Catherine", "Christine", "Sophie", "Sandrine",
            "Françoise", "Monique", "Martine", "Valérie", "Véronique", "Sylvie", "Hélène", "Nicole",
            "Brigitte", "Chantal", "Dominique", "Stéphanie", "Céline", "Julie", "Aurélie",
            "Émilie", "Caroline", "Laura", "Camille", "Léa", "Manon", "Chloé", "Emma", "Louise",
            "Alice", "Juliette", "Zoé", "Anaïs", "Gaëlle", "Renée", "Noëlle", "Élise", "Mélanie",
            "Virginie", "Jacqueline", "Danielle", "Josiane", "Marguerite", "Jeanne", "Élisabeth",
            "Madeleine", "Geneviève", "Agnès", "Béatrice", "Cécile", "Delphine", "Pauline",
            "Margaux", "Clara", "Lina", "Inès", "Océane", "Maëlle", "Joëlle",
        ],
    },
    "de": {
        "M": [
            "Hans", "Peter", "Klaus", "Wolfgang", "Jürgen", "Michael", "Thomas", "Andreas",
            "Stefan", "Lukas", "Jonas", "Maximilian", "Felix", "Tobias", "Günter", "Jörg",
        ],
        "F": [
            "Anna", "Ursula", "Petra", "Sabine", "Monika", "Claudia", "Julia", "Katharina", "Lena",
            "Jutta", "Birgit", "Käthe", "Sophie", "Hannelore",
        ],
    },
    # names of families with roots elsewhere, frequent in Brussels and the larger cities
    "xx": {
        "M": ["Mohamed", "Ahmed", "Youssef", "Ayoub", "Mehmet", "Emre", "Adam", "Ibrahim",
              "Karim", "Bilal", "Mustafa", "Omar"],
        "F": ["Fatima", "Amina", "Yasmina", "Aïcha", "Leyla", "Elif", "Sara", "Nour", "Meryem",
              "Salma", "Zeynep", "Hatice"],
    },
}

# --- surnames ----------------------------------------------------------------------------------

SURNAMES: dict[str, list[str]] = {
    "nl": [
        "Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens",
        "Wouters", "De Smet", "Van den Broeck", "Vermeulen", "Hermans", "Aerts", "Michiels",
        "Verstraete", "Pauwels", "Martens", "Claeys", "De Vos", "Stevens", "Smets", "Van Damme",
        "De Clercq", "Desmet", "Vandenberghe", "Van de Velde", "Verhoeven", "Leemans", "Cools",
        "Lemmens", "Van Dyck", "Verbeke", "Hendrickx", "Bogaerts", "Van Acker", "Segers",
        "Coppens", "Verlinden", "Van der Linden", "De Backer", "Van Hove", "De Wilde", "Geerts",
        "Moens", "Van Camp", "De Meyer", "Thys", "Huybrechts", "Verheyen", "Baert", "Wuyts",
        "Smolders", "Vervoort", "Dewulf", "Laenen", "Van Looy", "Bosmans", "Mestdagh", "Declercq",
        "Wijns", "De Cock", "Vanhoutte", "Vercammen", "Van Gucht", "De Pauw", "Vandevelde",
        "Bracke", "Cuypers", "Dierckx", "Stas", "Luyten", "Dhondt", "Wauters", "Van Hoof", "Sels",
        "Roels", "De Bruyne", "Nys", "Van Laere", "Verschueren", "Van Rompuy", "De Winter",
        "Van Aelst", "Boeckx", "Daems", "Kenis", "Vanderstraeten", "Van Steen", "Van Hecke",
        "Van Mol", "Ceulemans", "Goethals", "Vlaeminck", "Dedecker", "Cornelis", "Van Landeghem",
    ],
    "fr": [
        "Dubois", "Lambert", "Dupont", "Martin", "Simon", "Laurent", "Leclercq", "Dumont",
        "Lejeune", "François", "Renard", "Gérard", "Mathieu", "Lefèbvre", "Lefebvre", "Denis",
        "Henry", "Legrand", "Noël", "Piette", "Dufour", "Leroy", "Fontaine", "Masson", "Lemaire",
        "Dupuis", "Colin", "Chevalier", "Hubert", "Marchal", "Gilson", "Jacquet", "Lecomte",
        "Charlier", "Thiry", "Delvaux", "Wilmet", "Bodart", "Pirard", "Lemoine", "Dethier",
        "Collignon", "Jadot", "Lecocq", "Hardy", "Meunier", "Bertrand", "Rousseau", "Du Bois",
        "Le Clercq", "Delhaye", "Poncelet", "Bastin", "Gillet", "Michaux", "Frère", "Bosquet",
        "Dessart", "Evrard", "Lhoist", "Halleux", "Wathelet", "Lallemand", "Grégoire",
        "Stiévenart", "Bauduin", "Boulanger", "Carlier", "Delcourt", "Descamps", "Deprez",
        "Cornet", "Fiévet", "Lefèvre", "Raucent", "Marée", "Désir", "Hénin", "Lemaître",
    ],
    "xx": [
        "Çelik", "Yilmaz", "Öztürk", "El Amrani", "Benali", "El Idrissi", "Bouzid", "Aydin",
        "Kaya", "Nowak", "Kowalski", "Rossi", "Esposito", "Diallo", "Traoré", "Nguyen",
        "Da Silva", "Fernández", "García", "Şahin",
    ],
    "NL": [
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser",
        "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks",
        "van Leeuwen", "Dekker", "Brouwer",
    ],
    "FR": [
        "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
        "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
        "Fournier", "Girard",
    ],
    "LU": [
        "Schmit", "Muller", "Weber", "Hoffmann", "Wagner", "Thill", "Schmitz", "Schroeder",
        "Reuter", "Klein", "Kieffer", "Becker",
    ],
    "DE": [
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz",
        "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann",
        "Schwarz", "Zimmermann",
    ],
}

# The long tail of family names, built from the parts Belgian names are made of. Belgium has some
# 190,000 family names; 55% of its people carry a first and last name nobody else does (Statbel).
# A pool of a few hundred names would make namesakes of many people at one postcode.
SURNAME_TAIL_NL = (
    # toponymic: a particle and a place ("Van den Berghe", "Vandenberghe", "Verbeke")
    ["Van ", "Van de ", "Van den ", "Van der ", "Vande", "Vanden", "Vander", "De ", "Ver", "Ter "],
    ["Acker", "Berghe", "Bossche", "Broecke", "Dycke", "Velde", "Hove", "Steene", "Linde",
     "Meulen", "Poele", "Walle", "Damme", "Kerckhove", "Hecke", "Putte", "Eynde", "Wiele",
     "Kerkhof", "Vijver", "Bruggen", "Heuvel", "Haute", "Mosselen", "Rijn", "Biesen", "Camp",
     "Loo", "Rode", "Spiegel", "Voorde", "Wyngaerd", "Gheyn", "Beke", "Dries", "Meersch",
     "Houtte", "Straete", "Cauwenberghe", "Lierde", "Moortel", "Neste", "Poucke", "Schoor",
     "Laere", "Hoecke", "Brande", "Donck", "Goor", "Haegen", "Mierlo", "Rompaey", "Sande",
     "Thillo", "Vreckem", "Wallendael", "Zande", "Assche", "Bulcke", "Cruys"],
)
SURNAME_TAIL_NL_PATRONYMIC = (
    ["Jan", "Pieter", "Gijs", "Goos", "Her", "Wout", "Maert", "Bert", "Lauw", "Geer", "Hen",
     "Cla", "Ger", "Luy", "Sim", "Rub", "Floor", "Ghys", "Wil", "Mich", "Aer", "Dier", "Adri",
     "Lem", "Coll", "Stev", "Thijs", "Wauter", "Lamb", "Mar", "Frans", "Joos", "Lieven", "Baud",
     "Segh", "Reyn", "Huyb", "Roel", "Goov", "Verh", "Daniel", "Bogaer", "Mat", "Nol", "Ool"],
    ["s", "ssens", "ens", "ckx", "x", "mans", "aerts", "ers", "en", "sen", "kens", "ts", "eels"],
)
SURNAME_TAIL_NL_TRADES = [
    "Smet", "Backer", "Bakker", "Wever", "Cuyper", "Kuyper", "Brouwer", "Mulder", "Molder",
    "Visscher", "Vleeschouwer", "Schepper", "Coster", "Meyer", "Meester", "Decker", "Keyser",
    "Coninck", "Graeve", "Hertog", "Ridder", "Wolf", "Vos", "Haes", "Bock", "Leeuw", "Zwaan",
    "Haan", "Cock", "Groote", "Clercq", "Schrijver", "Witte", "Zwarte", "Roo", "Bruyn",
    "Jonghe", "Oude", "Wilde", "Lange", "Korte", "Pauw", "Vriendt", "Moor", "Buck", "Kimpe",
    "Munck", "Paepe", "Prins", "Baets", "Greef", "Block", "Beer", "Rycke", "Maere", "Naeyer",
]
# short names of one or two syllables, as most Flemish names are (Maes, Wuyts, Daems, Bracke)
SURNAME_SYLLABLES_NL = (
    ["B", "D", "G", "H", "K", "L", "M", "N", "P", "R", "S", "T", "V", "W", "Br", "Cl", "Cr",
     "Dr", "Gr", "Kn", "Pl", "Pr", "Sl", "Sm", "Sn", "St", "Tr", "Vl", "Wy"],
    ["a", "ae", "e", "ee", "i", "ie", "o", "oe", "oo", "u", "uy", "ey", "y", "ij", "au", "ou"],
    ["b", "ck", "d", "g", "k", "l", "ll", "m", "n", "ns", "p", "r", "rt", "s", "t", "ts", "x",
     "nck", "rck", "ms"],
    ["", "s", "en", "ens", "e", "er", "ers", "mans", "aerts", "el", "ink"],
)
SURNAME_SYLLABLE_NAMES_NL = 7_000
# Flemish spellings of one name: Claes / Claeys / Claas, Vandenberghe / Vandenberg
SURNAME_SPELLINGS_NL = [("ck", "k"), ("ae", "aa"), ("y", "ij"), ("gh", "g"), ("dt", "d"),
                        ("x", "cks"), ("ey", "ei"), ("ee", "e")]
SURNAME_TAIL_FR = (
    ["", "Du", "De", "Del", "Le "],
    ["Bois", "Mont", "Champ", "Val", "Fontain", "Pont", "Roch", "Foss", "Marais", "Hay", "Court",
     "Sart", "Thier", "Moul", "Château", "Prez", "Four", "Noy", "Vaux", "Rieu", "Fay", "Bru"],
    ["", "et", "ot", "in", "on", "ard", "aux", "ier", "ez", "ée", "elle", "eau", "ois", "art",
     "y", "e"],
)
SURNAME_SYLLABLES_FR = (
    ["B", "C", "D", "F", "G", "H", "J", "L", "M", "N", "P", "R", "S", "T", "V", "Br", "Ch", "Cl",
     "Fr", "Gr", "Pl", "Tr"],
    ["a", "ai", "au", "e", "é", "ei", "i", "o", "ou", "u", "eu", "oi"],
    ["b", "c", "ch", "d", "g", "l", "ll", "m", "n", "r", "rd", "s", "t", "rt", "ss", "nc", "rn"],
    ["", "et", "ot", "in", "on", "ard", "aux", "ier", "ez", "elle", "eau", "art", "y", "e", "is",
     "ens"],
)
SURNAME_SYLLABLE_NAMES_FR = 3_500

# --- nicknames: canonical first name -> short forms seen in records -----------------------------

NICKNAMES: dict[str, list[str]] = {
    "Johannes": ["Jan", "Hans", "Jo"],
    "Elisabeth": ["Lies", "Liesbeth", "Els", "Betty"],
    "Élisabeth": ["Lisa", "Babette", "Élise"],
    "Catherine": ["Cathy", "Katrien", "Kathy"],
    "Katrien": ["Trien", "Kat"],
    "Willem": ["Wim", "Pim", "Willy"],
    "Jozef": ["Jef", "Jos", "Jo"],
    "Joseph": ["Jo", "Jos", "Jojo"],
    "Maria": ["Mieke", "Mia", "Ria", "Marijke"],
    "Alexander": ["Alex", "Sander", "Xander"],
    "Alexandre": ["Alex"],
    "Frederik": ["Frederic", "Fred", "Rik"],
    "Frédéric": ["Fred"],
    "Guillaume": ["Willy", "Will"],
    "Nicolas": ["Nico", "Nick"],
    "Christophe": ["Chris", "Tof"],
    "Stéphanie": ["Steph", "Stef"],
    "Stephanie": ["Steffie", "Steph"],
    "Margaretha": ["Griet", "Greet", "Margot"],
    "Marguerite": ["Margot", "Maggy"],
    "Petrus": ["Piet", "Peter"],
    "Pieter": ["Piet"],
    "Johanna": ["Anneke", "Hanne", "Jo"],
    "Cornelis": ["Kees", "Cor"],
    "Hendrik": ["Henk", "Rik"],
    "Robert": ["Rob", "Bob"],
    "Thomas": ["Tom"],
    "Benjamin": ["Ben", "Benji"],
    "Jacques": ["Jacky", "Jack"],
    "Françoise": ["Fanny"],
    "Christiaan": ["Chris"],
    "Christine": ["Chris", "Tina", "Christa"],
    "Caroline": ["Caro", "Carolien"],
    "Sebastiaan": ["Bas", "Seb"],
    "Sébastien": ["Seb"],
    "Maxime": ["Max"],
    "Maximilian": ["Max"],
    "Michael": ["Mike"],
    "Patrick": ["Pat"],
    "Anna": ["Anja", "Anke"],
    "Johan": ["Jo"],
    "Antoine": ["Toine", "Tony"],
    "Geneviève": ["Ginette"],
    "Isabelle": ["Isa", "Bella"],
    "Valérie": ["Val"],
    "Véronique": ["Véro"],
    "Dominique": ["Domi"],
    "Béatrice": ["Béa"],
    "Danielle": ["Dany"],
    "Daniel": ["Dany", "Dani"],
    "Philippe": ["Phil"],
    "Filip": ["Flip"],
    "Olivier": ["Oli"],
    "Bernard": ["Bernie"],
    "Raphaël": ["Raf", "Raph"],
    "Gabriel": ["Gabi"],
    "Mathias": ["Matti"],
    "Godelieve": ["Lieve"],
    "Martine": ["Tine", "Tinne"],
    "Nathalie": ["Nat"],
    "Jacqueline": ["Jackie", "Jacky"],
    "Madeleine": ["Mado"],
    "Jeanne": ["Jeannette"],
    "Sarah": ["Sara"],
    "Louise": ["Lou"],
    "Louis": ["Lou"],
    "Victor": ["Vic"],
    "Paul": ["Pol"],
}

# --- streets -------------------------------------------------------------------------------------

STREETS_NL = [
    "Kerkstraat", "Stationsstraat", "Dorpsstraat", "Molenstraat", "Nieuwstraat", "Schoolstraat",
    "Beukenlaan", "Kapelstraat", "Brusselsesteenweg", "Markt", "Grote Markt", "Kasteelstraat",
    "Hoogstraat", "Veldstraat", "Lindenlaan", "Eikenlaan", "Kloosterstraat", "Nijverheidsstraat",
    "Industrieweg", "Dorpsplein", "Meersstraat", "Heidestraat", "Bosstraat", "Processiestraat",
    "Pastorijstraat", "Kouterstraat", "Stationsplein", "Gemeenteplein", "Zandstraat",
    "Hoevestraat", "Boomgaardstraat", "Ringlaan", "Gentsesteenweg", "Antwerpsesteenweg",
    "Mechelsesteenweg", "Leuvensesteenweg", "Koning Albertlaan", "Sint-Jansstraat",
    "Vijverstraat", "Rozenstraat", "Populierenlaan", "Tiensesteenweg",
]
STREETS_FR = [
    "Rue de la Station", "Rue de l'Église", "Avenue Louise", "Chaussée de Bruxelles",
    "Place du Marché", "Rue du Moulin", "Rue Haute", "Rue Neuve", "Rue de la Gare",
    "Rue du Centre", "Rue de la Croix", "Rue des Écoles", "Rue du Château", "Avenue des Tilleuls",
    "Rue de Namur", "Chaussée de Louvain", "Chaussée de Wavre", "Rue Saint-Martin",
    "Rue de la Fontaine", "Place Communale", "Rue Principale", "Rue du Village",
    "Avenue de la Gare", "Rue Albert Ier", "Rue Léopold", "Rue des Champs", "Rue du Pont",
    "Rue de Liège", "Chaussée de Charleroi", "Rue des Prés", "Rue du Bois",
    "Avenue Reine Astrid", "Rue de la Paix", "Place Saint-Lambert", "Rue de Mons",
    "Rue Émile Vandervelde", "Rue des Fusillés", "Avenue du Parc", "Boulevard Tirou",
    "Rue de Fer",
]
# Brussels streets are bilingual: (French, Dutch)
STREETS_BRU = [
    ("Avenue Louise", "Louizalaan"), ("Boulevard Anspach", "Anspachlaan"),
    ("Rue Neuve", "Nieuwstraat"), ("Chaussée de Wavre", "Waversesteenweg"),
    ("Chaussée de Louvain", "Leuvensesteenweg"), ("Rue Royale", "Koningsstraat"),
    ("Rue Haute", "Hoogstraat"), ("Boulevard du Souverain", "Vorstlaan"),
    ("Rue de la Loi", "Wetstraat"), ("Avenue de Tervueren", "Tervurenlaan"),
    ("Chaussée de Charleroi", "Charleroisesteenweg"), ("Rue du Midi", "Zuidstraat"),
    ("Place du Marché", "Marktplein"), ("Rue de la Station", "Stationsstraat"),
    ("Rue de l'Église", "Kerkstraat"), ("Avenue de la Couronne", "Kroonlaan"),
    ("Chaussée d'Ixelles", "Elsensesteenweg"), ("Rue du Moulin", "Molenstraat"),
    ("Boulevard Général Jacques", "Generaal Jacqueslaan"), ("Rue des Tanneurs", "Huidevettersstraat"),
]

# abbreviations seen in exports: (full form, [abbreviations]) — suffixes for Dutch, prefixes for French
ABBREV_NL_SUFFIX = [
    ("steenweg", ["stwg", "stwg.", "stw."]),
    ("straat", ["str.", "str"]),
    ("laan", ["ln", "ln."]),
    ("plein", ["pl.", "pln"]),
]
ABBREV_FR_PREFIX = [
    ("Rue ", ["R. ", "r. ", "r "]),
    ("Avenue ", ["Av. ", "av. ", "Ave "]),
    ("Boulevard ", ["Bd ", "bd ", "Bld "]),
    ("Chaussée ", ["Chée ", "Ch. ", "chée "]),
    ("Place ", ["Pl. ", "pl. "]),
]

# --- foreign addresses (country -> [(city, postcode pattern)], streets) ----------------------------
# postcode pattern: '#' a digit, '@' an upper-case letter
FOREIGN_PLACES: dict[str, list[tuple[str, str]]] = {
    "NL": [("Amsterdam", "10## @@"), ("Rotterdam", "30## @@"), ("Maastricht", "62## @@"),
           ("Breda", "48## @@"), ("Eindhoven", "56## @@"), ("Tilburg", "50## @@"),
           ("Terneuzen", "45## @@"), ("Roosendaal", "47## @@")],
    "FR": [("Lille", "590##"), ("Paris", "750##"), ("Valenciennes", "593##"), ("Dunkerque", "591##"),
           ("Reims", "511##"), ("Metz", "570##"), ("Roubaix", "591##"), ("Charleville-Mézières", "080##")],
    "LU": [("Luxembourg", "1###"), ("Esch-sur-Alzette", "4###"), ("Differdange", "45##"),
           ("Ettelbruck", "90##"), ("Wiltz", "95##")],
    "DE": [("Aachen", "520##"), ("Köln", "506##"), ("Düsseldorf", "402##"), ("Trier", "542##"),
           ("Mönchengladbach", "410##")],
}
FOREIGN_STREETS: dict[str, list[str]] = {
    "NL": ["Hoofdstraat", "Kerkstraat", "Dorpsstraat", "Schoolstraat", "Molenweg", "Julianastraat",
           "Beatrixlaan", "Stationsweg"],
    "FR": ["Rue de la République", "Rue Victor Hugo", "Rue Jean Jaurès", "Avenue de la Gare",
           "Rue Nationale", "Boulevard Gambetta", "Rue Pasteur"],
    "LU": ["Rue de la Gare", "Grand-Rue", "Route d'Arlon", "Rue Principale", "Avenue de la Liberté",
           "Rue de Luxembourg"],
    "DE": ["Hauptstraße", "Bahnhofstraße", "Schillerstraße", "Gartenstraße", "Kirchstraße",
           "Goethestraße", "Lindenstraße"],
}
# a population of one of these countries (`generate --country`) needs more streets than the few
# neighbours' households do: common street names of each language
_STREET_STEMS_NL = ["Kerk", "Molen", "School", "Dorps", "Hoog", "Stations", "Beek", "Linden", "Eiken",
                    "Berken", "Rozen", "Tulpen", "Wilgen", "Populier", "Kastanje", "Akker", "Veld",
                    "Bos", "Hof", "Markt", "Zand", "Nieuw", "Oranje", "Prins Hendrik", "Wilhelmina"]
_STREET_STEMS_DE = ["Haupt", "Bahnhof", "Schiller", "Garten", "Kirch", "Goethe", "Linden", "Berg",
                    "Schul", "Wald", "Ring", "Dorf", "Mühlen", "Rosen", "Birken", "Feld", "Wiesen",
                    "Eichen", "Buchen", "Sonnen", "Lessing", "Mozart", "Beethoven", "Friedhof"]
_STREET_NAMES_FR = ["de la République", "Victor Hugo", "Jean Jaurès", "Pasteur", "Nationale",
                    "de la Gare", "du Moulin", "des Écoles", "de l'Église", "du Château", "des Lilas",
                    "des Roses", "du Général de Gaulle", "Gambetta", "Voltaire", "Jean Moulin",
                    "de Paris", "du Marché", "Saint-Martin", "des Fleurs", "de la Paix", "du Stade",
                    "des Tilleuls", "de la Liberté", "Émile Zola"]
for _country, _streets in (
    ("NL", [s + t for s in _STREET_STEMS_NL for t in ("straat", "laan", "weg", "plein")]),
    ("DE", [s + t for s in _STREET_STEMS_DE for t in ("straße", "weg", "allee", "platz")]),
    ("FR", [t + " " + s for s in _STREET_NAMES_FR for t in ("Rue", "Avenue", "Boulevard", "Impasse")]),
    ("LU", [t + " " + s for s in _STREET_NAMES_FR for t in ("Rue", "Avenue", "Route")]),
):
    FOREIGN_STREETS[_country] = list(dict.fromkeys(FOREIGN_STREETS[_country] + _streets))
FOREIGN_LANG = {"NL": "nl", "FR": "fr", "LU": "fr", "DE": "de"}
FOREIGN_SHARE = {"NL": 0.40, "FR": 0.35, "LU": 0.10, "DE": 0.15}

COUNTRY_VALUES: dict[str, list[tuple[str | None, float]]] = {
    "BE": [("BE", 40), ("Belgium", 10), ("België", 15), ("Belgique", 12), ("belgie", 5),
           ("BEL", 6), ("Belgie", 2), (None, 10)],
    "NL": [("NL", 45), ("Nederland", 20), ("Netherlands", 10), ("Pays-Bas", 8), ("NLD", 5), (None, 12)],
    "FR": [("FR", 45), ("France", 30), ("Frankrijk", 8), ("FRA", 5), (None, 12)],
    "LU": [("LU", 45), ("Luxembourg", 30), ("Luxemburg", 8), ("LUX", 5), (None, 12)],
    "DE": [("DE", 45), ("Deutschland", 15), ("Germany", 12), ("Duitsland", 8), ("DEU", 5), (None, 15)],
}

# --- phones ---------------------------------------------------------------------------------------

BE_MOBILE_PREFIXES = ["456", "460", "465", "466", "467", "468", "470", "471", "472", "473", "474",
                      "475", "476", "477", "478", "479", "483", "484", "485", "486", "487", "488",
                      "489", "490", "491", "492", "493", "494", "495", "496", "497", "498", "499"]
# landline area codes by province code of geo_municipalities.csv (national significant prefix)
BE_AREA_CODES: dict[str, list[str]] = {
    "10000": ["3", "14", "15"],        # Antwerpen
    "20001": ["16", "2", "13"],        # Vlaams-Brabant
    "20002": ["10", "67"],             # Waals-Brabant
    "30000": ["50", "51", "56", "58", "59"],  # West-Vlaanderen
    "40000": ["9", "52", "53", "55"],  # Oost-Vlaanderen
    "50000": ["65", "71", "64", "68", "69"],  # Henegouwen
    "60000": ["4", "87", "85", "86"],  # Luik
    "70000": ["11", "12", "89"],       # Limburg
    "80000": ["63", "61", "84"],       # Luxemburg
    "90000": ["81", "82", "83", "71"],  # Namen
    "04000": ["2"],                    # Brussel (region code used as province)
}
FOREIGN_PHONE: dict[str, tuple[str, list[str], int]] = {
    # country -> (calling code, mobile prefixes, digits after the prefix)
    "NL": ("31", ["6"], 8),
    "FR": ("33", ["6"], 8),
    "LU": ("352", ["621", "661", "691"], 6),
    "DE": ("49", ["151", "152", "160", "170", "171", "176"], 8),
}

# --- values typed in where the real one is missing: identifiers many people share ---------------------

# e-mail addresses staff type in when a customer gives none (CRM at the counter, loyalty desk)
PLACEHOLDER_EMAILS = ["noemail@brico.be", "geen@email.be", "no@mail.com", "x@x.be", "klant@brico.be",
                      "nomail@nomail.com"]
# the shops' own numbers, typed in for customers without a phone (landlines and shop mobiles),
# as (calling code, national number)
SHOP_PHONES = [("32", "32301100"), ("32", "92254410"), ("32", "25112030"), ("32", "42213000"),
               ("32", "16203040"), ("32", "50334455"), ("32", "470001122"), ("32", "475990001"),
               ("32", "498102030"), ("32", "486000001")]
# default birth dates of forms and till systems
DEFAULT_BIRTH_DATES = ["1900-01-01", "01/01/1900", "1970-01-01", "01/01/1970", "2000-01-01", "1901-01-01"]
# what is typed into a name field when the name is not known
PLACEHOLDER_FIRST_NAMES = ["Onbekend", "Inconnu", "Unknown", "X", "Klant", "xxx"]

# --- e-mail domains -------------------------------------------------------------------------------

EMAIL_DOMAINS: dict[str, list[tuple[str, float]]] = {
    "VLG": [("gmail.com", 30), ("telenet.be", 25), ("hotmail.com", 14), ("outlook.com", 8),
            ("skynet.be", 7), ("proximus.be", 5), ("hotmail.be", 8), ("yahoo.fr", 1),
            ("icloud.com", 2)],
    "WAL": [("gmail.com", 30), ("hotmail.com", 18), ("skynet.be", 12), ("proximus.be", 8),
            ("yahoo.fr", 12), ("outlook.com", 8), ("hotmail.be", 6), ("voo.be", 6)],
    "BRU": [("gmail.com", 35), ("hotmail.com", 16), ("skynet.be", 10), ("proximus.be", 6),
            ("yahoo.fr", 10), ("outlook.com", 10), ("hotmail.be", 8), ("telenet.be", 5)],
    "NL": [("gmail.com", 40), ("ziggo.nl", 20), ("kpnmail.nl", 15), ("hotmail.com", 15),
           ("outlook.com", 10)],
    "FR": [("gmail.com", 40), ("orange.fr", 20), ("free.fr", 15), ("yahoo.fr", 10), ("hotmail.fr", 15)],
    "LU": [("gmail.com", 45), ("pt.lu", 30), ("hotmail.com", 25)],
    "DE": [("gmail.com", 35), ("gmx.de", 25), ("web.de", 25), ("t-online.de", 15)],
}
EMAIL_DOMAIN_TYPOS = {
    "gmail.com": ["gmial.com", "gmail.con", "gmai.com", "gnail.com"],
    "hotmail.com": ["hotmial.com", "hotmail.co", "hotmal.com"],
    "hotmail.be": ["hotmial.be", "hotmail.b"],
    "telenet.be": ["telnet.be", "telenet.b"],
    "outlook.com": ["outlok.com", "outloook.com"],
    "skynet.be": ["skynett.be", "sky.net.be"],
}

# --- catalog of a DIY / home-improvement retailer --------------------------------------------------

# (sku, product_name, category, unit price in cents)
PRODUCTS: list[tuple[str, str, str, int]] = [
    ("TIL-1001", "Floor tile Grey Stone 60x60 (box 1.44 m2)", "tiles", 3495),
    ("TIL-1002", "Wall tile Gloss White 20x25 (box 1.5 m2)", "tiles", 2249),
    ("TIL-1003", "Mosaic tile Marble Mix 30x30", "tiles", 1299),
    ("TIL-1004", "Outdoor tile Ceramic Wood look 40x120", "tiles", 4999),
    ("TIL-1005", "Metro tile Sage Green 7.5x15 (box 1 m2)", "tiles", 2899),
    ("ADH-2001", "Tile adhesive C2TE grey 25 kg", "adhesives & grout", 2495),
    ("ADH-2002", "Flexible tile adhesive white 15 kg", "adhesives & grout", 2999),
    ("ADH-2003", "Joint grout grey 5 kg", "adhesives & grout", 1199),
    ("ADH-2004", "Joint grout white 5 kg", "adhesives & grout", 1199),
    ("ADH-2005", "Sanitary silicone transparent 300 ml", "adhesives & grout", 749),
    ("ADH-2006", "Mounting glue high-tack 290 ml", "adhesives & grout", 899),
    ("TLT-3001", "Tile spacers 3 mm (250 pcs)", "tiling tools", 399),
    ("TLT-3002", "Notched trowel 10 mm", "tiling tools", 1299),
    ("TLT-3003", "Manual tile cutter 60 cm", "tiling tools", 5999),
    ("TLT-3004", "Tile levelling system clips (100 pcs)", "tiling tools", 1899),
    ("TLT-3005", "Rubber grout float", "tiling tools", 899),
    ("PNT-4001", "Wall paint matt white 10 L", "paint", 5499),
    ("PNT-4002", "Ceiling paint extra white 5 L", "paint", 3299),
    ("PNT-4003", "Primer for walls 5 L", "paint", 2999),
    ("PNT-4004", "Wood stain walnut 2.5 L", "paint", 3499),
    ("PNT-4005", "Parquet varnish satin 2.5 L", "paint", 4299),
    ("PNT-4006", "Wall paint colour Sand 2.5 L", "paint", 2799),
    ("PNT-4007", "Radiator paint white 750 ml", "paint", 1899),
    ("PTL-5001", "Paint roller 25 cm microfibre", "painting tools", 899),
    ("PTL-5002", "Masking tape 50 m x 30 mm", "painting tools", 549),
    ("PTL-5003", "Paint tray 25 cm", "painting tools", 399),
    ("PTL-5004", "Brush set synthetic (3 pcs)", "painting tools", 1299),
    ("PTL-5005", "Drop cloth 4x5 m", "painting tools", 699),
    ("PTL-5006", "Telescopic extension pole 2 m", "painting tools", 1599),
    ("PWT-6001", "Cordless drill driver 18V", "power tools", 8999),
    ("PWT-6002", "Hammer drill SDS-plus 800W", "power tools", 11999),
    ("PWT-6003", "Jigsaw 650W", "power tools", 6999),
    ("PWT-6004", "Orbital sander 300W", "power tools", 5499),
    ("PWT-6005", "Angle grinder 125 mm 900W", "power tools", 4999),
    ("PWT-6006", "Battery 18V 4.0 Ah", "power tools", 5999),
    ("PWT-6007", "Multi-tool oscillating 300W", "power tools", 7999),
    ("DRB-7001", "Masonry drill bit set (5 pcs)", "drill bits", 1299),
    ("DRB-7002", "HSS metal drill bit set (19 pcs)", "drill bits", 2499),
    ("DRB-7003", "Wood drill bit set (8 pcs)", "drill bits", 1499),
    ("DRB-7004", "Sanding discs 125 mm P120 (10 pcs)", "drill bits", 799),
    ("DRB-7005", "Screwdriver bit set (32 pcs)", "drill bits", 1699),
    ("FIX-8001", "Wall plugs 6 mm (100 pcs)", "fixings", 499),
    ("FIX-8002", "Wood screws 4x40 (200 pcs)", "fixings", 799),
    ("FIX-8003", "Screw and plug assortment (300 pcs)", "fixings", 1499),
    ("FIX-8004", "Anchor bolts M8 (10 pcs)", "fixings", 899),
    ("FIX-8005", "Cable ties 200 mm (100 pcs)", "fixings", 399),
    ("FIX-8006", "Cavity wall anchors (20 pcs)", "fixings", 699),
    ("GRD-9001", "Garden hose 25 m 1/2 inch", "garden", 2999),
    ("GRD-9002", "Hose connector set (4 pcs)", "garden", 899),
    ("GRD-9003", "Spray nozzle multi-function", "garden", 1299),
    ("GRD-9004", "Lawn seed sport & play 2 kg", "garden", 1999),
    ("GRD-9005", "Garden gloves size 9", "garden", 499),
    ("GRD-9006", "Potting soil universal 40 L", "garden", 699),
    ("GRD-9007", "Hose reel on wheels", "garden", 4499),
    ("LGT-1101", "LED bulb E27 9W warm white", "lighting", 399),
    ("LGT-1102", "LED spot GU10 5W (3 pcs)", "lighting", 999),
    ("LGT-1103", "Ceiling lamp Nordic 3-light", "lighting", 7999),
    ("LGT-1104", "Outdoor wall light with sensor", "lighting", 3999),
    ("LGT-1105", "Terminal block connectors (50 pcs)", "lighting", 1199),
    ("PLB-1201", "PTFE thread seal tape 12 m", "plumbing", 199),
    ("PLB-1202", "Bottle siphon chrome", "plumbing", 1799),
    ("PLB-1203", "Basin mixer tap chrome", "plumbing", 5999),
    ("PLB-1204", "Flexible tap connector 30 cm (2 pcs)", "plumbing", 899),
    ("PLB-1205", "Shower head rain 25 cm", "plumbing", 3499),
    ("PLB-1206", "Pipe wrench 14 inch", "plumbing", 2299),
    ("ELC-1301", "Extension cord 10 m 3 sockets", "electrical", 1999),
    ("ELC-1302", "Installation cable 3G2.5 (10 m)", "electrical", 1499),
    ("ELC-1303", "Wall socket with earth white", "electrical", 499),
    ("ELC-1304", "Light switch single white", "electrical", 449),
    ("ELC-1305", "Voltage tester screwdriver", "electrical", 399),
    ("FLR-1401", "Laminate flooring Oak natural 8 mm (2.2 m2)", "flooring", 2699),
    ("FLR-1402", "Laminate underlay 3 mm (10 m2)", "flooring", 1899),
    ("FLR-1403", "Skirting board MDF white 2.4 m", "flooring", 599),
    ("FLR-1404", "Vinyl click floor Grey Oak (1.8 m2)", "flooring", 3999),
    ("FLR-1405", "Flooring installation kit", "flooring", 1499),
    ("STR-1501", "Shelving unit steel 5 shelves", "storage", 4999),
    ("STR-1502", "Storage box 60 L with lid", "storage", 1299),
    ("STR-1503", "Wall shelf oak 80 cm", "storage", 1999),
    ("STR-1504", "Tool box 19 inch", "storage", 1799),
]

# Planted co-purchase affinities: (name, popularity weight, skus)
BUNDLES: list[tuple[str, float, list[str]]] = [
    ("floor tiling", 22, ["TIL-1001", "ADH-2001", "ADH-2003", "TLT-3001"]),
    ("wall painting", 20, ["PNT-4001", "PTL-5001", "PTL-5002", "PTL-5003"]),
    ("drilling & fixing", 16, ["PWT-6001", "DRB-7001", "FIX-8001", "FIX-8002"]),
    ("garden watering", 12, ["GRD-9001", "GRD-9002", "GRD-9003"]),
    ("wall tiling", 10, ["TIL-1002", "ADH-2002", "ADH-2004", "ADH-2005"]),
    ("laminate floor", 9, ["FLR-1401", "FLR-1402", "FLR-1403", "FLR-1405"]),
    ("bathroom tap", 7, ["PLB-1203", "PLB-1204", "PLB-1201"]),
    ("ceiling light", 6, ["LGT-1103", "LGT-1101", "LGT-1105"]),
]
