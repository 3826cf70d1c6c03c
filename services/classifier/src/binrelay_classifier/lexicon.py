"""The classifier's lexicons: cue words and phrases per language, in folded form.

Every entry is written as :func:`binrelay_classifier.normalize.fold` leaves text (lower case, no
accents, apostrophes and hyphens as spaces). Small syntax, compiled by :mod:`.engine`:

- ``inbre*``    a stem: any word that starts with ``inbre``
- ``op dit moment``  a phrase; each space also matches no space ("nest plus la" = "n est plus la")
- ``breken .. in``   up to three words may stand between the two parts
- ``vol=2``     a weight (default 1)
- ``!brand``    counts only when the report's language is the entry's language (ambiguous words:
  Dutch "brand" is a fire, English "brand" is a make; French "hier" is yesterday, Dutch "hier" is here)

Tags say what a cue is evidence of:

- ``cat:<category>`` — the category vocabulary of DESIGN §3
- ``urg:<kind>``     — evidence that it happens now (in progress, still there, fleeing, danger, help)
- ``non:<kind>``     — evidence that it does not (past, gone, resolved, question, prevention tip,
  aftermath such as a complaint filed, a recurring nuisance, "not urgent")
- ``ctx:<kind>``     — context used by the combination rules (vehicle, person, animal, item, house,
  origin, share, we)
- ``flag:<flag>``    — policy cues (vigilante, political, slur)

The signal a cue contributes names the tag, the language and the entry (never the report's own
words), e.g. ``urg:progress:nl:bezig``.
"""

from __future__ import annotations

Lexicon = dict[str, dict[str, str]]

# ---------------------------------------------------------------------------------------------
# Categories
# ---------------------------------------------------------------------------------------------

CATEGORIES: Lexicon = {
    "cat:burglary": {
        "nl": "inbraak*=3|inbrak*=3|inbre*=3|ingebroken=3|ingebrok*=3|inbrekers=3|breekt in=3|breken in=3"
        "|breken .. in=2|breekt .. in=2|brak in=3|braken in=3|opengebroken=2|open gebroken=2"
        "|binnengedrongen=3|binnen gedrongen=3|binnengedrongen=3|binnengeslopen=2|binnen geslopen=2"
        "|deur geforceerd=3|deur opengebroken=3|geforceerd=2|forceert=2|forceren=2|forceerde=2"
        "|slot geforceerd=3|cilinder*=2|raam opengewrikt=3|opengewrikt=2|wrikken=2|wrikt=2|koevoet=2"
        "|klimt .. binnen=2|klimmen .. binnen=2|iemand in mijn huis=3|iemand in huis=3|in ons huis=1"
        "|indringer*=3|insluiper*=3|insluiping=3|woninginbraak=3|huis overhoop=3|overhoop gehaald=3"
        "|in de tuin van=1|over de muur=1|over het hek=1|tuinhuis=1|garagepoort=1|achterdeur=1",
        "fr": "cambriol*=3|cambrioleu*=3|cambrio*=3|effraction*=3|fractur*=2|forc* la porte=3"
        "|porte forcee=3|serrure forcee=3|forcent=2|forcer=2|force la=2|pied de biche=2"
        "|s introdui*=3|introduit*=2|introduits=2|penetre* dans=2|entre* chez=2|quelqu un chez moi=3"
        "|quelqu un dans la maison=3|quelqu un dans mon jardin=2|intrus=3|escalad*=1|fenetre forcee=3"
        "|visite* la maison=1|mis a sac=2|sens dessus dessous=2|fouill* la maison=2|vol dans l habitation=3"
        "|vol avec effraction=3|volet*=1|porte arriere=1|cambri*=3|cambrioleur*=3|cambriolage*=3",
        "en": "burglar*=3|break in*=3|breakin*=3|broke in*=3|broken into=3|breaking into=3|breaking in=3"
        "|broke into=3|break into=3|forced the door=3|forced entry=3|forced open=2|forcing the door=3"
        "|jimmied=2|pried=2|prying=2|crowbar=2|intruder*=3|someone in my house=3|someone in the house=3"
        "|someone inside my=2|house was ransacked=3|ransacked=2|home invasion=3|climbing in=2"
        "|climbed in=2|climbing through=2|back door=1|shed=1",
        "de": "einbruch*=3|einbrech*=3|eingebrochen=3|bricht ein=3|brechen ein=3|aufgebrochen=2"
        "|tur aufgehebelt=3|aufgehebelt=3|hebeln=2|eindringling*=3|jemand im haus=3|in die wohnung=1",
    },
    "cat:theft": {
        "nl": "gestolen=3|stelen=3|steelt=3|stal=2|stalen=2|diefstal*=3|dief=3|dieven=3|dievegge=3"
        "|gepikt=2|pikken=2|pikte=2|ontvreemd*=3|weggenomen=2|meegenomen=1|weggehaald=1"
        "|zakkenroller*=3|gauwdie*=3|winkeldie*=3|fietsdie*=3|katalysator*=2|nummerplaten weg=2"
        "|uit de auto=1|uit mijn auto=1|uit mijn wagen=1|autodiefstal=3|pakketdie*=3|pakje weg=2"
        "|pakket weg=2|pakketje weg=2|fiets weg=2|gejat=2|jatten=2|gerold=2|leeggehaald=2|leeggeroofd=2"
        "|ingepikt=2|geleegd=1|weggenomen=2",
        "fr": "!vol=2|!vols=2|vole=3|voles=3|volee=3|volees=3|voler=3|volent=3|volait=2|voleur*=3"
        "|voleuse*=3|piqu* mon=2|piqu* ma=2|piqu* mes=2|piqu* le=1|derob*=3|subtilis*=3|chapard*=2"
        "|pickpocket*=3|tire laine=2|embarque* le=1|disparu du jardin=1|catalyseur*=2|vol de voiture=3"
        "|vol a l etalage=3|vol dans la voiture=3|vol de velo=3|vol de colis=3|colis disparu*=2"
        "|plus de velo=1|fauche=2|barbot*=2|vider la voiture=2|vide la voiture=2",
        "en": "stole=3|stolen=3|steal*=3|theft*=3|thief=3|thieves=3|nicked=2|pinched=2|swiped=2"
        "|shoplift*=3|pickpocket*=3|pick pocket*=3|taken from=2|took my=2|took our=2|catalytic=2"
        "|porch pirate*=3|parcel gone=2|package gone=2|bike gone=2|went missing from=2|snatched=1"
        "|car was broken into=2|cleared out=1|nicking=2|robbed=1",
        "de": "gestohlen=3|stehlen=3|stiehlt=3|diebstahl*=3|dieb=3|diebe=3|diebin=3|geklaut=3"
        "|klauen=3|klaut=3|entwendet=3|taschendieb*=3",
    },
    "cat:robbery_or_violence": {
        "nl": "overval*=3|beroofd=3|beroven=3|berooft=3|beroving*=3|straatroof=3|tasjesroof=3"
        "|handtas afgerukt=3|afgerukt=2|afgepakt=2|geweld*=3|geslagen=3|slaan=2|slaat=2|sloeg=2"
        "|klappen=2|vechtpartij*=3|vechten=3|vecht=2|knokpartij*=3|schietpartij*=3|geschoten=3"
        "|schoten=3|schiet=3|!mes=3|messen=2|wapen*=3|pistool=3|vuurwapen=3|bedreig*=3|aangevallen=3"
        "|aanval=2|valt .. aan=2|agressie=3|agressief=2|agressieve=2|mishandel*=3|neergestoken=3"
        "|steekpartij*=3|neergestoken=3|getrapt=2|schopt=2|schoppen=2|in elkaar geslagen=3|afpersing=3"
        "|afgeperst=3|dreigt=2|dreigen=2|dreigde=2|geintimideerd=2|intimid*=2|lastiggevallen=2"
        "|lastig gevallen=2|belaagd=2|geduwd=1|huiselijk geweld=3|gillen=1|geschreeuw=1",
        "fr": "braquage*=3|braque*=3|braqu*=3|agress*=3|vol a l arrache=3|a l arrache=3|arrach*=1.5"
        "|vol avec violence=3|violence*=3|violent*=3|frapp*=3|coups=2|bagarre*=3|se battent=3"
        "|se bat=2|battre=2|tabass*=3|racket*=3|couteau*=3|!arme*=3|pistolet*=3|revolver=3"
        "|coups de feu=3|tirs=2|menac*=3|poignard*=3|blesse* au=2|agresse*=3|molest*=2|harcel*=2"
        "|bousculad*=1|bouscul*=1|rixe=3|voie de fait=3|extorsion=3|insult* et=1|hurlements=1",
        "en": "robbery=3|robberies=3|robber*=3|mugged=3|mugging=3|mugger*=3|hold up=3|holdup=3"
        "|held up=2|assault*=3|attack*=3|fight*=3|punch*=3|beaten=3|beating=3|beat up=3|hit him=2"
        "|hit her=2|hitting=2|kicking=1|knife=3|knives=3|gun=3|guns=3|gunshot*=3|shots fired=3"
        "|shooting=3|weapon*=3|threaten*=3|stabbed=3|stabbing=3|violence=3|violent=2|aggressive=2"
        "|harass*=2|intimidat*=2|bag snatch*=3|snatched her=3|snatched his=3|brawl*=3|carjack*=3"
        "|screaming=1|domestic abuse=3",
        "de": "uberfall*=3|uberfallen=3|raub*=3|ausgeraubt=3|angegriffen=3|angriff=2|schlagerei*=3"
        "|geschlagen=3|schlagt=2|messer=3|waffe*=3|pistole=3|bedroht=3|bedrohung=3|gewalt=3"
        "|pruegelei=3|prugelei=3|verletzt=2|schusse=3",
    },
    "cat:vandalism": {
        "nl": "vandal*=3|verniel*=3|vernield=3|beschadig*=2|graffiti=3|tags=2|getagd=3|beklad*=3"
        "|bekrast=3|krassen=2|kras=2|ruit ingeslagen=2|ruiten ingeslagen=2|ruit ingegooid=3"
        "|ruiten ingegooid=3|ingegooid=2|ingeslagen=2|lek gestoken=3|lekgestoken=3|banden lek=3"
        "|spiegel* afgebroken=3|afgebroken=2|kapotgemaakt=3|kapot gemaakt=3|kapot gegooid=3"
        "|stukgeslagen=3|stuk geslagen=3|omvergeduwd=2|omver gegooid=2|vuilbakken in brand=1"
        "|bushokje=1|gesloopt=2|slopen=2|brievenbus opgeblazen=3|vernieling*=3|besmeurd=3"
        "|gooien .. stenen=3|stenen gooien=3|eieren=2|verf gegooid=3|bespoten=2"
        "|spuiten .. op=2",
        "fr": "vandal*=3|degrad*=3|degats=2|dega*=2|tag=2|tags=2|tague*=3|graffiti*=3|ray*=2"
        "|pneus creves=3|creve*=2|vitre brisee=3|vitres brisees=3|vitre cassee=3|brise*=2|casse*=2"
        "|saccag*=3|retroviseur*=2|abim*=3|detruit*=2|pein* sur=2|renvers*=1|lancent des pierres=3"
        "|jet* des pierres=3|jettent des oeufs=3|oeufs=1|bris de vitre=3|spraye=2",
        "en": "vandal*=3|graffiti=3|tagged=2|spray paint*=3|spraypaint*=3|smashed=2|smashing=2"
        "|keyed=3|scratched=2|slashed=3|tyres slashed=3|tires slashed=3|damaged=2|damaging=2"
        "|broke the window=2|broken window*=2|throwing stones=3|throwing rocks=3|throwing eggs=3"
        "|egged=3|kicked over=2|destroyed=2|wrecked=2|defaced=3",
        "de": "vandal*=3|beschadigt=2|beschadigung*=3|sachbeschadigung=3|zerkratzt=3|graffiti=3"
        "|beschmiert=3|schmiererei*=3|zerstochen=3|eingeschlagen=2|kaputt gemacht=3|demoliert=3",
    },
    "cat:fraud": {
        "nl": "oplicht*=3|opgelicht=3|fraude*=3|frauduleu*=3|phishing=3|valse agent*=4|valse politie*=4"
        "|nep agent*=4|nep politie*=4|valse technieker*=4|valse technicus=4|nep technieker*=4"
        "|valse medewerker*=3|doet zich voor=3|doen zich voor=3|deden zich voor=3|zich voordoen=3"
        "|geven zich uit=3|geeft zich uit=3|gaven zich uit=3|zogezegd van=3|zogenaamd van=3|nep=2"
        "|vals geld=3|valse biljet*=3|vals briefje=3|vals* brief*=2|wisseltruc=4|vals=1|valse=1"
        "|bankkaart=2|pincode=2|pin code=2|kaartlezer=2|bankgegevens=2|sms van de bank=3"
        "|verdachte link=3|link aangeklikt=2|klik* op de link=2|helpdesk fraude=3|whatsapp fraude=3"
        "|hallo mama=3|hoi mama=3|hallo papa=3|nieuw nummer=2|geld overschrijven=2|overschrijving=1"
        "|bitcoin=2|oplichterij=3|flessentrekk*=3|colporteur*=2|aan de deur verkopen=2|deur aan deur=2"
        "|ronselen=1|oplichters=3|valse mail*=3|nepmail*=3|nep sms=3|nepsms=3|itsme=2",
        "fr": "arnaqu*=3|arnaque*=3|escroq*=3|fraude*=3|frauduleu*=3|phishing=3|hameconnage=3"
        "|faux agent*=4|faux polici*=4|faux police*=4|faux techni*=4|faux employe*=3|faux plombier*=4"
        "|se faisant passer=3|se font passer=3|se fait passer=3|se presentent comme=2|pretendu*=2"
        "|soi disant=3|soit disant=3|faux billet*=3|fausse* coupure*=3|faux=1|fausse=1|code pin=2"
        "|carte bancaire=2|coordonnees bancaires=2|lien suspect=3|cliqu* sur le lien=2|sms frauduleux=3"
        "|faux sms=3|faux mail*=3|faux message*=3|coucou maman=3|bonjour maman=2|nouveau numero=2"
        "|virement=1|rendre la monnaie=3|monnaie=1|demarch*=2|porte a porte=2|vente forcee=2|bitcoin=2",
        "en": "scam*=3|fraud*=3|con man=3|conman=3|con artist*=3|pretending to be=3|pretended to be=3"
        "|posing as=3|posed as=3|claiming to be=3|claimed to be=3|fake police*=4|fake officer*=4"
        "|fake cop*=4|fake technician*=4|fake=2|bogus=3|phishing=3|smishing=3|bank details=2"
        "|card details=2|pin number=2|pin code=2|counterfeit=3|suspicious link=3|clicked the link=2"
        "|click the link=2|hi mum=3|hi mom=3|new number=2|wire transfer=1|gift card*=2|doorstep=2"
        "|door to door=2|cowboy builder*=3|change trick=3|swindl*=3|impersonat*=3",
        "de": "betrug*=3|betruger*=3|falsche polizist*=4|falscher polizist*=4|falsche techniker=4"
        "|enkeltrick=4|phishing=3|abzocke*=3|abgezockt=3|geben sich aus=3|gibt sich aus=3"
        "|falschgeld=3|hallo mama=3|neue nummer=2",
    },
    "cat:fire_or_hazard": {
        "nl": "!brand=4|!branden=2|!brandt=4|in brand=4|brandje=3|uitslaande brand=4|vuur=3|vlammen=4"
        "|vlam=2|rook=3|rookontwikkeling=4|rookwolk*=4|rookt=2|rookmelder*=2|walm*=2|gaslucht=4"
        "|ruik gas=4|ruikt naar gas=4|gasgeur=4|gaslek=4|lek in de gasleiding=4|gas lek=4|co vergiftiging=4"
        "|koolmonoxide=4|ontploff*=4|explosie*=4|knal=1|brandweer=3|smeult=3|smeulen=3|smeulend=3"
        "|stroomkabel*=2|elektriciteitskabel*=2|kabel .. op straat=2|hoogspanning*=2|boom omgevallen=3"
        "|omgevallen boom=3|omgewaaid=2|tak .. op de weg=2|overstroming=3|wateroverlast=3|onder water=2"
        "|gevaarlijk*=1|asbest=2|chemisch*=2|stank=1|schoorsteen=1|loszittende=2|dreigt te vallen=3"
        "|instortingsgevaar=4|ingestort=3|stort in=3|gat in de weg=2|put in de weg=2|olie op de weg=2"
        "|bloedheet=0|hitte=1|containerbrand=4|autobrand=4|vuurwerk=1",
        "fr": "feu=4|feux=2|incendi*=4|brule*=3|brulent=3|flamme*=4|fumee*=4|fume=2|odeur de gaz=4"
        "|sent le gaz=4|ca sent le gaz=4|fuite de gaz=4|gaz=2|explos*=4|detonation=2|pompiers=3"
        "|monoxyde=4|detecteur de fumee=2|cable* electrique*=2|cable* par terre=2|haute tension=2"
        "|arbre tombe=3|arbre couche=3|arbre sur la route=3|branche* sur la route=2|inondation*=3"
        "|inonde*=3|degat des eaux=2|dangereu*=1|produit chimique*=2|amiante=2|effondr*=3"
        "|risque d effondrement=4|menace de tomber=3|trou dans la chaussee=2|huile sur la route=2"
        "|feu de poubelle=4|voiture en feu=4|feux d artifice=1|petards=1",
        "en": "fire=4|fires=3|on fire=4|ablaze=4|burning=3|burnt=2|burned=2|flames=4|smoke=3"
        "|smoking=1|smell gas=4|smell of gas=4|smells of gas=4|gas leak=4|gas smell=4|leaking gas=4"
        "|carbon monoxide=4|explosion*=4|exploded=4|explode=3|fire brigade=3|firefighters=3"
        "|fire department=3|smoulder*=3|smolder*=3|power line*=2|live wire*=3|cable* on the road=2"
        "|fallen tree=3|tree down=3|tree fell=3|tree has fallen=3|flooding=3|flooded=3|flood=3"
        "|dangerous=1|hazard*=2|chemical*=2|asbestos=2|collaps*=3|sinkhole=3|pothole=1|oil spill=2"
        "|fireworks=1|smoke alarm*=2|smoke detector*=2",
        "de": "feuer=4|!brand=4|brennt=4|flammen=4|rauch=3|gasgeruch=4|riecht nach gas=4|gasleck=4"
        "|explosion=4|feuerwehr=3|umgesturzt*=3|baum .. auf der strasse=3|uberschwemmung=3"
        "|stromkabel=2|gefahrlich=1|einsturz*=3",
    },
    "cat:missing_person": {
        "nl": "vermist*=4|verdwenen=1|vermissing*=4|weggelopen=3|niet thuisgekomen=4|niet thuis gekomen=4"
        "|niet teruggekeerd=3|niet meer thuisgekomen=4|dwaalt=3|ronddwalen=3|verward*=2|dementie=4"
        "|dement*=4|alzheimer=4|kwijt=2|zoek=1|opsporing*=3|kind kwijt=4|zoontje kwijt=4"
        "|dochtertje kwijt=4|niet meer gezien=2|niet opgedaagd=1|is nergens=3|nergens te vinden=3"
        "|onvindbaar=3|verdwaald=3|wie heeft .. gezien=2|laatst gezien=3|laatste keer gezien=3",
        "fr": "disparu*=3|disparition*=4|fugue=4|fugu*=3|introuvable*=3|egare*=3|perdu*=1|pas rentre*=4"
        "|n est pas rentre*=4|jamais rentre*=4|errant*=2|erre=2|desoriente*=3|confus*=1|alzheimer=3"
        "|dementi*=4|perdu son enfant=4|enfant perdu=4|recherche*=1|avis de recherche=4"
        "|vu pour la derniere=3"
        "|derniere fois=2|personne n a vu=2|quelqu un a vu=1|nulle part=2",
        "en": "missing=3|disappeared=3|has gone missing=4|went missing=3|run away=2|ran away=2"
        "|runaway=2|lost child=4|lost kid=4|lost boy=4|lost girl=4|wandered off=4|wandering=2"
        "|hasn t come home=4|hasnt come home=4|hasn t returned=3|not come home=4|didn t come home=4"
        "|didnt come home=4|never came home=4|not returned home=4|dementia=4|alzheimer*=4|confused=2"
        "|disoriented=3|last seen=3|nowhere to be found=3|can t find my=2|cant find my=2|cannot find my=2",
        "de": "vermisst*=4|verschwunden=3|nicht nach hause=4|demenz=4|verwirrt=2|zuletzt gesehen=3"
        "|vermisstenanzeige=4",
    },
    "cat:drugs": {
        "nl": "drug*=3|dealen=3|dealt=3|dealer*=3|deal=1|dealers=3|cannabis=3|wiet=3|weed=3|joint*=2"
        "|coke=3|cocaine=3|heroine=3|xtc=3|pillen=1|spuiten=1|spuitjes=3|naalden=2|injectienaald*=3"
        "|lachgas=3|ballonnetjes=2|gasflessen=1|patronen=1|blowen=3|blowt=3|wietgeur=3|wietlucht=3"
        "|drugsafval=3|plantage=3|hennep*=3|bolletjes=2|gebruiken .. drugs=3|overdracht*=1|zakjes=2"
        "|pakjes doorgeven=3|handeltje=2|dealen=3",
        "fr": "drogue*=3|dealer*=3|deal=3|dealent=3|deale=3|trafic de drogue*=3|trafic=2|shit=2"
        "|cannabis=3|beuh=3|herbe=1|joint*=2|cocaine=3|coke=3|heroine=3|ecstasy=3|seringue*=3"
        "|aiguille*=2|protoxyde=3|gaz hilarant=3|ballons=1|cartouches=1|fument des=1|fumer des joints=3"
        "|odeur de cannabis=3|sachets=2|point de deal=3|guetteur*=2|plantation=3|chanvre=3",
        "en": "drug*=3|dealing=3|dealer*=3|deal=1|weed=3|cannabis=3|marijuana=3|joint*=2|cocaine=3"
        "|coke=2|crack=2|heroin=3|needles=2|syringe*=3|nitrous=3|laughing gas=3|canisters=1"
        "|balloons=1|smoking pot=3|baggies=3|small bags=2|hand to hand=3|handing over packages=3"
        "|grow house=3|cannabis farm=3",
        "de": "drogen=3|dealer*=3|dealen=3|kokain=3|heroin=3|spritzen=2|lachgas=3|haschisch=3|gras=1",
    },
    "cat:suspicious_vehicle": {
        "nl": "verdacht* voertuig=4|verdacht* auto=4|verdacht* wagen=4|verdacht* busje=4"
        "|verdacht* bestelwagen=4|rijdt .. rond=2|rijden .. rond=2|rijdt rondjes=3|rondjes=2"
        "|rijdt stapvoets=3|stapvoets=2|traag rijden=2|rijdt traag=2|rijdt langzaam=2|rijdt .. voorbij=1"
        "|draaiende motor=3|motor draait=2|motor laten draaien=3|zonder nummerplaat=3|zonder kenteken=3"
        "|buitenlandse nummerplaat=2|buitenlandse plaat=2|staat al .. geparkeerd=2|geparkeerd=1"
        "|lichten uit=2|zonder lichten=2|ronddraaien=2|stopt bij elk huis=3|volgt .. auto=1",
        "fr": "vehicule suspect=4|voiture suspecte=4|camionnette suspecte=4|vehicule louche=4"
        "|voiture louche=4|tourne* dans le quartier=3|tourne* en rond=3|fait des tours=3"
        "|tours du quartier=3"
        "|roule* lentement=3|roule* au pas=3|au ralenti=2|moteur allume=3|moteur tourne=3"
        "|moteur en marche=3"
        "|sans plaque*=3|plaque etrangere=2|plaque* etrangere*=2|stationne* depuis=2|garee depuis=2"
        "|gare depuis=2|feux eteints=2|phares eteints=2|passe* plusieurs fois=3|repasse*=2",
        "en": "suspicious vehicle=4|suspicious car=4|suspicious van=4|suspicious truck=4"
        "|circling=3|keeps driving=3|driving slowly=3|driving slow=3|crawling along=3|slowly driving=3"
        "|engine running=3|no plates=3|no number plate*=3|without plates=3|foreign plate*=2"
        "|parked for=2|been parked=2|parked up=1|lights off=2|headlights off=2|drove past .. times=3"
        "|keeps coming back=2|same car=2|same van=2|back and forth=2|up and down the street=2",
        "de": "verdachtiges fahrzeug=4|verdachtiges auto=4|verdachtiger wagen=4|fahrt langsam=3"
        "|kreist=3|im kreis=2|motor lauft=3|ohne kennzeichen=3",
    },
    "cat:suspicious_activity": {
        "nl": "verdacht*=3|louche=3|loensen=2|gluurt=3|gluren=3|loert=3|loeren=3|rondhang*=2"
        "|hangt .. rond=2"
        "|hangen .. rond=2|loopt .. rond=2|lopen .. rond=2|sluipt=3|sluipen=3|rondsluipen=3"
        "|kijkt .. binnen=3"
        "|kijken .. binnen=3|kijkt in=2|kijken in=2|binnen te kijken=3|binnenkijken=3|deurklink*=3"
        "|klinken=2|aan de deuren=2|voelt aan=2|voelen aan=2|aanbellen=2|belt aan=2|bellen aan=2"
        "|belde aan=2|foto s van huizen=3|fotograferen=2|fotografeert=2|noteren=1|noteert=1|tekens=2"
        "|krijttekens=3|markering*=1|raar=2|vreemd*=2|onbekende*=2|bivakmuts*=3|capuchon*=2|kap op=2"
        "|zaklamp*=2|zaklantaarn*=2|in de tuin=1|over het hek=2|klimt=2|klimmen=2|verstopt=2"
        "|verstoppen=2|in de struiken=2|spiedt=3|bespied*=3|observeert=2|houdt .. in de gaten=2"
        "|ongure=3|onguur=3|niet pluis=3|op de uitkijk=3|uitkijk=2|schuilt=2|probeert .. deur*=3",
        "fr": "suspect*=3|louche*=3|bizarre*=2|etrange*=2|!rod*=3|rodeur*=3|traine*=2|trainent=2"
        "|regard* dans les=3|regard* a l interieur=3|regard* par la fenetre=3|scrute*=3|epie*=3"
        "|observe* les maisons=3|poignee*=3|essai* les portes=3|essai* d ouvrir=3|tente* d ouvrir=3"
        "|sonne* aux portes=3|sonne chez=1|photographi*=2|prend des photos=2|marquage*=2"
        "|signe* a la craie=3"
        "|cagoule*=3|capuche*=2|lampe de poche=2|lampe torche=2|cache* dans=2|inconnu*=2"
        "|individu*=2|escalade*=2|enjamb*=2|fait le guet=3|guette=2|repera*=2|reperage=3|pas net*=3",
        "en": "suspicious*=3|suspect*=2|dodgy=3|shady=3|sketchy=3|strange=2|weird=2|odd=1|loiter*=3"
        "|lurking=3|prowl*=3|hanging around=2|hanging about=2|snooping=3|peering into=3|peering in=3"
        "|looking into cars=3|looking into windows=3|looking in windows=3|looking through windows=3"
        "|checking door*=3|trying door*=3|door handles=3|testing door*=3|trying car doors=3"
        "|casing=3|taking photos of houses=3|photographing=2|chalk marks=3|marking houses=3"
        "|balaclava*=3|hoodie*=1|hood up=2|torch=2|flashlight=2|hiding in=2|hiding behind=2"
        "|climbing over=2|climbed over=2|climbing the=2|stranger*=2|unknown man=2|unknown person=2"
        "|keeping watch=3|lookout=2|acting strangely=3|watching the house*=3",
        "de": "verdachtig*=3|herumlungern=3|lungert=3|schleicht=3|schleichen=3|spaht=3|spahen=3"
        "|turklinke*=3|fremde*=2|sturmhaube=3|komisch=2|seltsam=2",
    },
    "cat:other": {
        "nl": "lawaai=2|geluidsoverlast=2|nachtlawaai=2|feestje=2|muziek=1|vergadering=2|bijeenkomst=2"
        "|straatlamp*=2|straatverlichting=2|verlichting=1|parkeer*=1|fout geparkeerd=2|hondenpoep=2"
        "|zwerfvuil=2|afval=1|gevonden=1|sleutels gevonden=2|loslopende=1|hond=1|kat=1|poes=1|test=1",
        "fr": "bruit*=2|tapage=2|nuisance* sonore*=2|fete=1|musique=1|reunion=2|eclairage=1"
        "|lampadaire*=1|stationnement=1|crottes=2|dechets=1|trouve*=1|cles trouvees=2|chien=1|chat=1|test=1",
        "en": "noise=2|noisy=2|loud music=2|party=1|meeting=2|street light*=2|streetlight*=2"
        "|parking=1|dog poo=2|litter=2|rubbish=1|found a=1|keys found=2|dog=1|cat=1|test=1",
        "de": "larm=2|ruhestorung=2|versammlung=2|strassenlaterne=2|hund=1|katze=1",
    },
}

# ---------------------------------------------------------------------------------------------
# Urgency: evidence for "now"
# ---------------------------------------------------------------------------------------------

URGENT: Lexicon = {
    "urg:now": {
        "nl": "!nu=3|nu net=3|nu nog=3|nou=1|op dit moment=3|op het moment=3|momenteel=3|op dit ogenblik=3"
        "|op dit eigenste moment=3|nu meteen=3|direct=1|meteen=1|terwijl ik .. schrijf=3|terwijl ik dit=3"
        "|live=2|vanavond=1|op deze moment=3",
        "fr": "maintenant=3|mtn=3|mnt=3|maint=3|en ce moment=3|actuellement=3|a l instant=3|la maintenant=3"
        "|pendant que je=3|tout de suite=2|ce soir=1|immediatement=2|a l heure ou=3|en direct=2",
        "en": "now=3|right now=3|rn=3|atm=3|currently=3|at the moment=3|as we speak=3|at this moment=3"
        "|as i write=3|as i type=3|tonight=1|immediately=2|this minute=3",
        "de": "jetzt=3|gerade=3|im moment=3|momentan=3|sofort=2|soeben=3",
    },
    "urg:progress": {
        "nl": "bezig=3|aan het inbreken=4|aan het stelen=4|aan het vechten=4|is aan het=3|zijn aan het=3"
        "|zit aan het=3|zitten aan het=3|staat aan het=2|staan te=2|staat te=2|wordt .. ingebroken=4"
        "|wordt ingebroken=4|breekt in=3|breken in=3|probeert=3|proberen=3|probeerd=3|klimt=2|klimmen=2"
        "|forceert=3|loopt .. rond=2|lopen .. rond=2|sluipt=2|gluurt=2|kijkt .. binnen=2|zit in=1"
        "|is binnen=3|zijn binnen=3|in de tuin=1|in mijn tuin=2|in onze tuin=2|op het dak=1|bonkt=2"
        "|schopt tegen=2|slaat=2|vechten=2|roept om hulp=4|schreeuwt=2|gillen=2|gilt=2|brandt=3|rookt=2"
        "|stijgt op=2|lekt=2|rijdt .. rond=2|rijdt rondjes=2|staat voor=1|staan voor=1|aan het dealen=4"
        "|wordt gedeald=3|wordt .. gedeald=3|dealen=1|belt aan=2|bellen aan=2|wordt bedreigd=4",
        "fr": "en train de=4|en train d=4|est en train=4|sont en train=4|en cours=3|essaie*=3|essaye*=3"
        "|essayent=3|tente*=2|tentent=3|forcent=3|escalade*=2|!rode=2|rodent=2|trainent=2"
        "|regarde* dans=2|sont dans=2|est dans le jardin=3|dans mon jardin=2|dans le jardin=1|sur le toit=1"
        "|sonne a=1|sonnent=2|frappe*=1|se battent=3|crie*=2|hurle*=2|appelle a l aide=4|brule=3"
        "|brulent=3|fume=2|tournent=2|tourne=1|deale*=1|dealent=2|menace=2|menacent=3|cassent=3"
        "|fouillent=3|fouille=2",
        "en": "is trying=3|are trying=3|trying to=3|is breaking=4|are breaking=4|breaking in=3"
        "|breaking into=3|is climbing=3|are climbing=3|climbing=2|is being=3|are being=3|is happening=3"
        "|happening now=4|in progress=4|ongoing=3|is inside=3|are inside=3|in my garden=2|in our garden=2"
        "|in the garden=1|on the roof=1|is looking into=3|are looking into=3|looking into=2|is walking=2"
        "|are walking=2|is hanging=2|are hanging=2|hanging around=1|is checking=3|are checking=3"
        "|checking=1|is stealing=4|are stealing=4|stealing=2|is fighting=4|are fighting=4|fighting=2"
        "|is hitting=4|hitting=2|is burning=4|burning=2|is on fire=4|screaming=2|shouting=1|is following=3"
        "|keeps circling=3|is circling=3|circling=2|is parked outside=2|is dealing=3|are dealing=3"
        "|being attacked=4|being robbed=4|being mugged=4|is threatening=4|are threatening=4"
        "|calling for help=4"
        "|is lurking=3|are lurking=3|lurking=2|is loitering=3|are loitering=3|is ringing=2|are ringing=2"
        "|is smashing=4|are smashing=4|smashing=2|is kicking=3|are kicking=3",
        "de": "versucht=3|versuchen=3|brechen gerade=4|ist im garten=3|sind im haus=4|schleicht=2|brennt=3"
        "|pruegeln sich=3|schlagen sich=3|schreit=2|ist dabei=3|sind dabei=3",
    },
    "urg:presence": {
        "nl": "nog steeds=3|nog altijd=3|nog daar=3|nog hier=3|staat nog=3|staan nog=3|is nog=2|zijn nog=2"
        "|zit nog=3|zitten nog=3|loopt nog=3|lopen nog=3|nog in de buurt=3|nog in de straat=3"
        "|nog ter plaatse=3"
        "|nog aanwezig=3|nog buiten=3|nog aan de gang=4|aan de deur=1.5|staat er=1|staan er=1|er staat=1"
        "|er staan=1"
        "|er loopt=2|er lopen=2|er zit=2|er zitten=2|hier voor de deur=2|voor mijn deur=2|aan mijn deur=2",
        "fr": "toujours la=3|encore la=3|toujours sur place=3|encore sur place=3|toujours dans=3"
        "|encore dans=3|toujours devant=3|est toujours=2|sont toujours=2|est encore=2|sont encore=2"
        "|toujours en cours=4|il y a un=1|il y a des=1|il y a deux=1|y a un=1|devant chez moi=2"
        "|devant ma porte=2|a ma porte=2|devant la maison=1|dans la rue=1",
        "en": "still there=3|still here=3|still outside=3|still in=3|still at=2|still going=3|still on=2"
        "|still hanging=3|still around=3|still parked=2|is still=2|are still=2|there is a=1|there are=1"
        "|there s a=1|outside my house=2|outside my door=2|at my door=2|outside our house=2"
        "|in front of my=2",
        "de": "noch da=3|immer noch=3|noch dort=3|steht noch=3|ist noch=2|vor meiner tur=2|vor dem haus=1",
    },
    "urg:flee": {
        "nl": "vlucht=3|vluchten=3|vluchtte=3|op de vlucht=3|gaat ervandoor=3|gaan ervandoor=3"
        "|ging ervandoor=2|rent weg=3|rennen weg=3|rende weg=2|lopen weg=2|loopt weg=2|rijdt weg=3"
        "|rijden weg=3|net weggereden=4|net weggelopen=4|net vertrokken=3|net gevlucht=4|zijn net=2"
        "|is net=2|zonet=2|zojuist=2|daarnet=2|zopas=2|richting=1|in de richting van=2|spurt=2",
        "fr": "s enfuit=3|s enfuient=3|s est enfui=3|se sont enfuis=3|prend la fuite=3|prennent la fuite=3"
        "|ont pris la fuite=2|a pris la fuite=2|en fuite=3|fuient=3|fuit=3|vient de sortir=3|filent=2"
        "|partent en courant=3"
        "|part en courant=3|viennent de partir=4|vient de partir=4|vient de s=3|viennent de=2|vient de=2"
        "|a l instant=3|direction=1|en direction de=2|se sauvent=3|se sauve=3",
        "en": "running away=3|ran away=1|running off=3|ran off=2|fleeing=3|fled=2|got away=2|getting away=3"
        "|driving off=3|drove off=2|just left=3|just drove off=4|just ran off=4|just fled=4|just now=3"
        "|just happened=4|just been=3|heading towards=3|heading toward=3|headed towards=2|heading down=2"
        "|in the direction of=2|legging it=3|took off=2|speeding off=3|sped off=2|a minute ago=3"
        "|minutes ago=3|few minutes ago=3|5 minutes ago=3|10 minutes ago=3",
        "de": "fluchtet=3|fluchten=3|auf der flucht=3|rennt weg=3|haut ab=3|gerade weg=3|soeben=3"
        "|fahrt weg=3|in richtung=2",
    },
    "urg:danger": {
        "nl": "gewond*=3|bloed*=3|bloedt=4|bewusteloos=4|ademt niet=4|reageert niet=4|niet aanspreekbaar=4"
        "|onwel=3|ligt op de grond=4|ligt op straat=3|gevallen=1|ziekenwagen=4|ambulance=4|reanim*=4"
        "|hartaanval=4|!mes=3|wapen*=3|pistool=3|bedreigt=3|bedreigen=3|in gevaar=4|levensgevaar*=4"
        "|gevaar=2|steekt=2|schiet=4|geschoten=3|schoten=3|slaan=2|slaat=3|vecht*=2"
        "|kind alleen=3|zit vast=3|opgesloten=2|verdrink*=4|in het water=2",
        "fr": "blesse*=3|sang=3|saigne*=4|inconscient*=4|respire plus=4|respire pas=4|ne repond plus=4"
        "|malaise=3|par terre=2|au sol=2|ambulance=4|samu=4|reanim*=4|crise cardiaque=4|couteau=3|!arme*=3"
        "|pistolet=3|menace*=2|en danger=4|danger de mort=4|danger=2|coups de feu=4|frappe*=2"
        "|se battent=3|enfant seul=3|coince*=2"
        "|enferme*=2|noyade=4|se noie=4|dans l eau=2",
        "en": "injured=3|hurt=2|bleeding=4|blood=3|unconscious=4|not breathing=4|not responding=4"
        "|unresponsive=4|collapsed=4|lying on the ground=4|on the ground=2|ambulance=4|cpr=4"
        "|heart attack=4|knife=3|gun=3|weapon*=3|armed=3|threatening=3|in danger=4|danger=2|shots=4"
        "|shooting=3|stabbed=4|stabbing=4|hitting=2|fighting=2|beating=3"
        "|child alone=3|trapped=3|stuck=1|locked in=2|drowning=4|in the water=2",
        "de": "verletzt=3|blut*=3|bewusstlos=4|atmet nicht=4|krankenwagen=4|notarzt=4|messer=3|waffe*=3"
        "|pistole=3|bedroht=3|in gefahr=4|gefahr=2",
    },
    "urg:help": {
        "nl": "112=3|help=3|helpen=1|hulp=3|dringend=3|spoed*=3|snel=1|kom snel=4|kom vlug=4|bel 112=4|bel 101=4"
        "|bel de politie=4|bellen de politie=3|112 gebeld=4|101 gebeld=4|112 bellen=4|101 bellen=4"
        "|politie gebeld=3|politie is onderweg=3|politie onderweg=3|noodgeval=4|alarm=2|sos=4|opgepast nu=3",
        "fr": "aide*=2|aidez=4|au secours=4|secours=3|urgent*=3|vite=2|venez vite=4|appelez=3"
        "|appelez le 112=4"
        "|appelez le 101=4|appelez la police=4|j ai appele le 101=4|j ai appele le 112=4|appele le 101=4"
        "|appele le 112=4|police en route=3|police arrive=3|police arrive=3|alerte=2|sos=4",
        "en": "help=3|helps=1|urgent*=3|emergency=4|asap=3|hurry=4|quick=1|quickly=2|call 112=4|call 101=4"
        "|call the police=4|call police=4|called 112=4|called 101=4|called the police=3|police on the way=3"
        "|police are on the way=3|police coming=3|alarm=2|sos=4|please come=4",
        "de": "hilfe=4|dringend=3|schnell=2|notfall=4|ruft 112=4|ruft die polizei=4|polizei gerufen=3",
    },
    "urg:alarm": {
        "nl": "alarm gaat af=4|alarm afgegaan=3|alarm loopt af=4|alarm gaat=3|sirene gaat=3|glasgerinkel=4"
        "|glas breken=4|glas horen breken=4|hoor glas=4|hoor iemand=3|hoor geluiden=3|hoor lawaai=2"
        "|gestommel=3|hoor gebonk=3|hoor iets=2",
        "fr": "alarme sonne=4|alarme qui sonne=4|alarme se declenche=4|alarme retentit=4|bruit de verre=4"
        "|verre brise=3|j entends=3|entends quelqu un=4|entends du bruit=3|entends des bruits=3",
        "en": "alarm going off=4|alarm is going off=4|alarm went off=2|alarm ringing=4|alarm is ringing=4"
        "|glass breaking=4|breaking glass=4|heard glass=3|i hear=3|i can hear=3|can hear someone=4"
        "|hear someone=4|hear noises=3|hearing noises=3|banging=2",
        "de": "alarm geht=4|alarmanlage=3|glas klirren=4|hore jemand=4|hore gerausche=3",
    },
}

# ---------------------------------------------------------------------------------------------
# Urgency: evidence against "now"
# ---------------------------------------------------------------------------------------------

NOT_URGENT: Lexicon = {
    "non:past": {
        "nl": "gisteren=3|gister=3|gisteravond=3|gisterenavond=3|gisternacht=3|gisterennacht=3"
        "|gistermiddag=3|gisterenmiddag=3|gistermorgen=3|gisterenmorgen=3|gisterochtend=3|eergisteren=3"
        "|vannacht=2.5|afgelopen nacht=3|afgelopen week=3|afgelopen weekend=3|afgelopen maand=3"
        "|afgelopen dagen=3|afgelopen weken=3|vorige week=3|vorig weekend=3|vorige maand=3|vorig jaar=3"
        "|vorige nacht=3|vorige keer=2|vorige maandag=3|vorige dinsdag=3|vorige woensdag=3"
        "|vorige donderdag=3"
        "|vorige vrijdag=3|vorige zaterdag=3|vorige zondag=3|dagen geleden=3|weken geleden=3"
        "|maanden geleden=3"
        "|dag geleden=3|week geleden=3|uur geleden=1.5|uren geleden=2.5|enkele dagen=2|paar dagen=2"
        "|vanmorgen=1.5|vanochtend=1.5|deze ochtend=1.5|vanmiddag=1|tijdens het weekend=3|in het weekend=2"
        "|dit weekend=2|tijdens de nacht=2|tijdens de vakantie=3|toen we op vakantie=3|toen ik thuiskwam=3"
        "|bij thuiskomst=3|na thuiskomst=3|bij het opstaan=3|toen ik opstond=3"
        "|maandag=1.5|dinsdag=1.5|woensdag=1.5|donderdag=1.5|vrijdag=1.5|zaterdag=1.5|zondag=1.5"
        "|maandagavond=2|dinsdagavond=2|woensdagavond=2|donderdagavond=2|vrijdagavond=2|zaterdagavond=2"
        "|zondagavond=2|maandagnacht=2|dinsdagnacht=2|woensdagnacht=2|donderdagnacht=2|vrijdagnacht=2"
        "|zaterdagnacht=2|zondagnacht=2|ontdekt=2|vastgesteld=2|gemerkt=1.5|zagen we=1.5|was er=1"
        "|waren er=1|geweest=1.5|verlof=2.5|kwamen thuis=3|kwam thuis=3"
        "|heeft .. gestolen=1|hebben .. gestolen=1|werd=1|werden=1|gebeurde=2|is gebeurd=2|toen=1",
        "fr": "!hier=3|hier soir=3|hier matin=3|hier apres midi=3|avant hier=3|avant hiers=3|la veille=2"
        "|cette nuit=2.5|la nuit derniere=3|nuit derniere=3|la semaine passee=3|la semaine derniere=3"
        "|semaine passee=3|semaine derniere=3|le week end dernier=3|week end dernier=3|le weekend dernier=3"
        "|ce week end=2|ce weekend=2|le mois dernier=3|le mois passe=3|l an dernier=3|l annee derniere=3"
        "|il y a deux jours=3|il y a trois jours=3|il y a quelques jours=3|il y a une semaine=3"
        "|il y a 2 jours=3|il y a 3 jours=3|il y a 15 jours=3|il y a un mois=3|jours=1|semaines=1"
        "|ce matin=1.5|cet apres midi=1|pendant la nuit=2|pendant le week end=3|pendant les vacances=3"
        "|en rentrant=3|a mon retour=3|de retour=2|en me levant=3|au reveil=3|lundi dernier=3"
        "|mardi dernier=3|mercredi dernier=3|jeudi dernier=3|vendredi dernier=3|samedi dernier=3"
        "|dimanche dernier=3|lundi=1.5|mardi=1.5|mercredi=1.5|jeudi=1.5|vendredi=1.5|samedi=1.5"
        "|dimanche=1.5"
        "|dans la nuit de=3|constate*=2|decouvert=2|j ai remarque=1.5|s est passe=2|s est produit=2"
        "|etait=1|etaient=1|a ete=1|ont ete=1|avaient=1",
        "en": "yesterday=3|last night=3|last week=3|last weekend=3|last month=3|last year=3|last time=2"
        "|last monday=3|last tuesday=3|last wednesday=3|last thursday=3|last friday=3|last saturday=3"
        "|last sunday=3|days ago=3|weeks ago=3|months ago=3|a day ago=3|a week ago=3|hours ago=2.5"
        "|the other day=3|the other night=3|earlier today=2|earlier this week=3|this morning=1.5"
        "|overnight=2.5|over the weekend=3|during the night=2|during the holidays=3|while we were away=3"
        "|when i got home=3|when we got home=3|when i came home=3|came home to=3|woke up to=3"
        "|on monday=1.5|on tuesday=1.5|on wednesday=1.5|on thursday=1.5|on friday=1.5|on saturday=1.5"
        "|on sunday=1.5|monday night=2|tuesday night=2|wednesday night=2|thursday night=2|friday night=2"
        "|saturday night=2|sunday night=2|discovered=2|noticed=1|found out=2|happened=1.5|was=0.5|were=0.5"
        "|had been=2|has been=0.5",
        "de": "gestern=3|vorgestern=3|letzte nacht=3|letzte woche=3|letztes wochenende=3|letzten monat=3"
        "|vor ein paar tagen=3|vor einer woche=3|vor tagen=3|heute morgen=1.5|am wochenende=2|war=0.5"
        "|wurde=1|festgestellt=2",
    },
    "non:gone": {
        "nl": "niet meer=3.5|niet meer daar=4|niet meer te zien=4|zijn weg=3.5|is weg=3|al weg=4"
        "|weer weg=3.5|intussen weg=4|ondertussen weg=4|inmiddels weg=4|vertrokken=2.5|verdwenen=1.5"
        "|weggereden=2|weggelopen=1|nergens meer=3.5|niemand meer=3.5|geen spoor meer=3",
        "fr": "n est plus la=4|ne sont plus la=4|plus la=3.5|n est plus=3|ne sont plus=3|plus personne=3.5"
        "|est parti=3|sont partis=3|est partie=3|sont parties=3|deja parti*=4|disparu depuis=1"
        "|repartis=3|reparti=3|plus de trace=3|plus rien=3|partis entre temps=4|entre temps=2",
        "en": "no longer=4|not there anymore=4|not there any more=4|gone now=4|has left=3|have left=3"
        "|had left=3|left already=4|already gone=4|already left=4|they left=3|he left=3|she left=3"
        "|were gone=3.5|was gone=3|is gone=2|are gone=3|anymore=2.5|any more=2|no sign of=3|nobody there=3",
        "de": "nicht mehr=3.5|schon weg=4|!weg=1.5|verschwunden=1",
    },
    "non:resolved": {
        "nl": "teruggevonden=4|terug gevonden=4|is terecht=4|terecht gekomen=4|is terug=3|weer thuis=4"
        "|terug thuis=4|is gevonden=4|werd gevonden=4|gevonden=1.5|opgepakt=3|gearresteerd=3|aangehouden=3"
        "|opgelost=4|loos alarm=4|vals alarm=4|alles is in orde=4|alles ok=3|alles oke=3|geen zorgen=3"
        "|vergissing=3|bleek=2|afgesloten=2|bedankt voor=2|iedereen bedankt=3",
        "fr": "retrouve*=4|est rentre*=4|de retour a la maison=4|sain et sauf=4|saine et sauve=4"
        "|interpell*=3|a ete arrete*=3|ont ete arrete*=3|fausse alerte=4|fausse alarme=4"
        "|tout est rentre dans l ordre=4"
        "|tout va bien=3|rien de grave=4|plus de peur que de mal=4|c etait=1.5|resolu=4|merci a tous=3",
        "en": "been found=4|was found=4|has been found=4|found safe=4|safe and well=4|is back home=4"
        "|back home=3"
        "|came home=2|has returned=3|arrested=3|caught=2|false alarm=4|all clear=4|all good=3|resolved=4"
        "|sorted=2|turned out=2|thanks everyone=3|thanks all=3|nothing serious=4",
        "de": "gefunden=3|wieder da=4|wieder zu hause=4|festgenommen=3|falscher alarm=4|entwarnung=4",
    },
    "non:question": {
        "nl": "weet iemand=2|heeft iemand=2|iemand gezien=1.5|iemand anders=2|ook iemand=1.5|wie weet=2"
        "|wie heeft=1|zijn er nog=1.5|hebben jullie=1.5|weten jullie=2|kan iemand=1.5|is het normaal=2"
        "|vraagje=2|vraag=1|mag ik vragen=2|iemand een idee=2|iemand ervaring=2|wat moet ik=1.5"
        "|wat doen we=1|moet ik=1|mag ik=1|kan ik=1|waar kan ik=2|is dat normaal=2",
        "fr": "quelqu un sait=2|quelqu un a=1.5|quelqu un d autre=2|quelqu un aurait=2|savez vous=2"
        "|avez vous=1.5|est ce que=1.5|est ce normal=2|c est normal=1.5|vous aussi=1.5|qui sait=2"
        "|une idee=1.5|petite question=2|question=1|dois je=1|puis je=1|ou peut on=2|on fait quoi=1",
        "en": "does anyone=2|has anyone=2|did anyone=2|anyone else=2|anyone know=2|anybody know=2"
        "|anyone seen=1.5|is it normal=2|any idea*=2|quick question=2|question=1|what should i=1.5"
        "|should i=1|can i=1|where can i=2|who do i=2|is this normal=2|wondering=2|do you know=1.5",
        "de": "weiss jemand=2|hat jemand=2|jemand gesehen=1.5|ist das normal=2|frage=1",
    },
    "non:prevention": {
        "nl": "tip=3|tips=3|advies=2.5|raad=1.5|vergeet niet=3|denk eraan=3|denk er aan=3|sluit uw=3"
        "|sluit je=3"
        "|sluit altijd=3|laat geen=3|laat nooit=3|wees alert=2.5|blijf alert=2.5|wees waakzaam=2.5"
        "|blijf waakzaam=2.5|preventie*=3|preventief=3|ter info=2.5|ter informatie=2.5|infoflash=3"
        "|herinnering=2.5|opgelet=1.5|pas op=1.5|let op=1|oproep=1|in het algemeen=2|altijd goed=2"
        "|best om=2"
        "|raden aan=3|raadt aan=3|wordt aangeraden=3|gratis advies=3|technopreventi*=3|inbraakpreventie=3"
        "|informatieavond=3|infosessie=3|nieuwsbrief=3|campagne=2|periode van=1|donkere maanden=3"
        "|wintertijd=2|zomervakantie=2|vakantietoezicht=3|afwezigheidstoezicht=3|waarschuwen=1.5"
        "|waarschuwing=1.5",
        "fr": "conseil*=3|astuce*=3|pensez a=3|n oubliez pas=3|noubliez pas=3|fermez=2|verrouillez=3"
        "|ne laissez=3|ne laissez jamais=3|soyez vigilant*=2.5|restez vigilant*=2.5|vigilance=2"
        "|prevention=3|preventif=3|pour info=2.5|pour information=2.5|a titre d information=3|rappel=2.5"
        "|attention aux=1.5|mefiez vous=2.5|il est conseille=3|nous conseillons=3|recommand*=2.5"
        "|seance d information=3|soiree d information=3|techno prevention=3|technoprevention=3"
        "|newsletter=3|campagne=2|periode des fetes=2|mois d hiver=2|surveillance vacances=3"
        "|avertissement=1.5",
        "en": "tip=3|tips=3|advice=2.5|reminder=3|remember to=3|don t forget=3|dont forget=3|make sure=2.5"
        "|always lock=3|lock your=3|never leave=3|don t leave=3|dont leave=3|be alert=2.5|stay alert=2.5"
        "|be vigilant=2.5|stay vigilant=2.5|prevention=3|preventive=3|fyi=2.5|for your information=3"
        "|heads up=1|beware of=1.5|watch out for=1.5|we recommend=3|recommended=2.5|information evening=3"
        "|info session=3|newsletter=3|campaign=2|dark evenings=2|holiday watch=3|warning=1.5|psa=3",
        "de": "tipp*=3|hinweis=2.5|denken sie daran=3|vergessen sie nicht=3|vorbeugung=3|pravention=3"
        "|warnung=1.5",
    },
    "non:aftermath": {
        "nl": "aangifte=2.5|pv=2|proces verbaal=2.5|klacht ingediend=2.5|klacht neergelegd=2.5"
        "|politie is langsgekomen=3|politie is geweest=3|politie is langs geweest=3|politie kwam=2"
        "|verzekering=2.5|schade=1.5|schadeclaim=2.5|herstellen=1.5|hersteld=2|laten herstellen=2"
        "|camerabeelden=1.5|beelden bekeken=2|dossier=2|onderzoek loopt=2.5|buurtonderzoek=2",
        "fr": "plainte=2.5|porte plainte=3|depose plainte=3|pv=2|proces verbal=2.5|la police est passee=3"
        "|police est venue=3|assurance=2.5|degats=1|reparer=1.5|repare=2|images de la camera=1.5|dossier=2"
        "|enquete en cours=2.5|l enquete=2",
        "en": "police report=2.5|reported it=2|filed a report=3|filed a complaint=3|crime number=3"
        "|police came=2.5|police have been=3|police attended=3|insurance=2.5|claim=1.5|repair*=1.5"
        "|cctv footage=1.5|footage=1|case number=3|investigation=2",
        "de": "anzeige erstattet=3|anzeige=2.5|versicherung=2.5|polizei war da=3",
    },
    "non:duration": {
        "nl": "al dagen=3|al weken=3|al maanden=3|al een week=3|al twee dagen=3|al enkele dagen=3"
        "|sinds dagen=3"
        "|sinds weken=3|regelmatig=3|vaak=2.5|steeds vaker=3|steeds weer=2.5|elke avond=3|elke nacht=3"
        "|elke dag=3|iedere avond=3|iedere nacht=3|iedere dag=3|elk weekend=3|elke week=3|telkens=1"
        "|geregeld=2.5|meermaals=2.5|herhaaldelijk=2.5|de laatste tijd=3|laatste tijd=3|sinds een tijdje=1.5"
        "|al een tijdje=1.5|altijd=1|soms=2|af en toe=2.5|opnieuw=1|weer eens=1.5",
        "fr": "depuis des jours=3|depuis des semaines=3|depuis des mois=3|depuis plusieurs jours=3"
        "|depuis une semaine=3|depuis quelques jours=3|depuis deux jours=3|regulierement=3|souvent=2.5"
        "|de plus en plus=2.5|chaque soir=3|chaque nuit=3|chaque jour=3|tous les soirs=3|tous les jours=3"
        "|toutes les nuits=3|tous les week ends=3|chaque semaine=3|a plusieurs reprises=2.5"
        "|ces derniers temps=3"
        "|derniers temps=3|depuis un moment=1.5|depuis un certain temps=3|parfois=2|de temps en temps=2.5",
        "en": "for days=3|for weeks=3|for months=3|for a week=3|for several days=3|for a few days=3"
        "|regularly=3|often=2.5|more and more=2.5|every evening=3|every night=3|every day=3|every weekend=3"
        "|every week=3|repeatedly=2.5|lately=3|recently=2|for a while=1.5|sometimes=2|from time to time=2.5"
        "|keeps happening=3|again and again=2",
        "de": "seit tagen=3|seit wochen=3|regelmassig=3|oft=2.5|jeden abend=3|jede nacht=3"
        "|in letzter zeit=3",
    },
    "non:calm": {
        "nl": "niet dringend=4|geen spoed=4|geen haast=4|geen gevaar=4|niets ernstigs=4|niks ernstigs=4"
        "|geen noodgeval=4|gewoon melden=2|ter melding=2|ik meld het=2|voor de volledigheid=3"
        "|wilde even melden=2.5"
        "|wil even melden=2.5|even melden=2",
        "fr": "pas urgent=4|non urgent=4|rien d urgent=4|pas de danger=4|sans danger=3|rien de grave=4"
        "|pas grave=3|juste pour signaler=3|simplement signaler=3|je signale=1.5|pour signaler=1.5"
        "|je voulais signaler=2.5",
        "en": "not urgent=4|non urgent=4|no rush=4|no danger=4|not dangerous=3|nothing serious=4"
        "|just letting you know=3|just to let you know=3|just so you know=3|for the record=3"
        "|just reporting=2",
        "de": "nicht dringend=4|keine gefahr=4|nur zur info=3",
    },
    "non:meta": {
        "nl": "vergadering=2|bijeenkomst=2|nieuwjaarsreceptie=3|barbecue=2|welkom=2|nieuwe leden=2"
        "|bedankt=1.5|dank u=1.5|dank je=1.5|testbericht=4|dit is een test=4|lidmaatschap=2"
        "|huishoudelijk reglement=3"
        "|coordinator=1|enquete=2|bevraging=2",
        "fr": "reunion=2|assemblee=2|drink=2|barbecue=2|bienvenue=2|nouveaux membres=2|merci=1.5"
        "|message test=4|ceci est un test=4|charte=2|adhesion=2|coordinateur=1|sondage=2",
        "en": "meeting=2|gathering=2|barbecue=2|welcome=2|new members=2|thank you=1.5|thanks=1.5"
        "|test message=4|this is a test=4|membership=2|house rules=3|coordinator=1|survey=2",
        "de": "versammlung=2|treffen=2|danke=1.5|testnachricht=4",
    },
}

# ---------------------------------------------------------------------------------------------
# Context for combination rules
# ---------------------------------------------------------------------------------------------

CONTEXT: Lexicon = {
    "ctx:vehicle": {
        "nl": "auto=2|autos=2|auto s=2|wagen=2|wagens=2|bestelwagen*=2|busje=2|bestelbus*=2|camionet*=2"
        "|voertuig*=2|bmw=2|audi=2|mercedes=2|golf=1|vw=2|volkswagen=2|renault=2|peugeot=2|opel=2"
        "|toyota=2|ford=2|skoda=2|tesla=2|citroen=2|fiat=2|volvo=2|scooter*=1|brommer*=1|motor=1"
        "|vrachtwagen*=2|truck=2|bestuurder=1|chauffeur=1|inzittende*=2|nummerplaat=1",
        "fr": "voiture*=2|vehicule*=2|camionnette*=2|fourgon*=2|utilitaire*=2|bagnole*=2|caisse=1"
        "|bmw=2|audi=2|mercedes=2|golf=1|vw=2|volkswagen=2|renault=2|peugeot=2|opel=2|toyota=2|ford=2"
        "|skoda=2|tesla=2|citroen=2|fiat=2|volvo=2|scooter*=1|moto*=1|camion*=2|conducteur=1|occupant*=2",
        "en": "!car=2|cars=2|!van=2|vans=2|vehicle*=2|truck*=2|lorry=2|suv=2|4x4=2|bmw=2|audi=2|mercedes=2"
        "|golf=1|vw=2|volkswagen=2|renault=2|peugeot=2|opel=2|toyota=2|ford=2|skoda=2|tesla=2|citroen=2"
        "|fiat=2|volvo=2|scooter*=1|moped*=1|motorbike*=1|driver=1|occupant*=2|hatchback=2|estate car=2",
        "de": "auto=2|wagen=2|fahrzeug*=2|transporter=2|lieferwagen=2|kleinbus=2|fahrer=1",
    },
    "ctx:house": {
        "nl": "huis=1|woning=1|appartement=1|flat=1|deur=1|voordeur=1|achterdeur=1|raam=1|ramen=1"
        "|garage=1|tuinhuis=1|kelder=1|zolder=1|slaapkamer=1|winkel=1|zaak=1|handelszaak=1|kantoor=1"
        "|school=1",
        "fr": "maison=1|logement=1|appartement=1|porte=1|fenetre*=1|garage=1|cave=1|grenier=1|chambre=1"
        "|magasin=1|commerce=1|boutique=1|bureau=1|ecole=1|abri de jardin=1",
        "en": "house=1|home=1|flat=1|apartment=1|!door=1|front door=1|back door=1|window*=1|garage=1"
        "|shed=1|cellar=1|bedroom=1|shop=1|store=1|office=1|school=1",
        "de": "haus=1|wohnung=1|tur=1|fenster=1|garage=1|keller=1|laden=1|geschaft=1",
    },
    "ctx:person": {
        "nl": "kind=2|kindje=2|kinderen=1|zoon*=2|dochter*=2|jongen=1|jongetje=2|meisje=1|tiener=2|puber=2"
        "|man=0.5|vrouw=0.5|moeder=2|vader=2|opa=2|oma=2|grootvader=2|grootmoeder=2|bejaarde*=2"
        "|oudere=2|buurman=1|buurvrouw=1|persoon=1|jaar oud=2|jarige=2|j r=1|bewoner=1",
        "fr": "enfant*=2|fils=2|fille=1|fillette=2|garcon*=1|ado=2|adolescent*=2|mere=2|pere=2"
        "|grand pere=2|grand mere=2|papi=2|mamie=2|personne agee=2|personne=1|dame=1|monsieur=1"
        "|ans=1|voisin*=1|residente=1|resident=1",
        "en": "child=2|kid=2|!son=2|daughter=2|boy=1|girl=1|teen*=2|toddler=2|mother=2|father=2|mum=2|mom=2"
        "|dad=2|grandfather=2|grandmother=2|grandad=2|grandma=2|granddad=2|elderly=2|old man=1|old lady=1"
        "|neighbour=1|neighbor=1|person=1|years old=2|year old=2|resident=1",
        "de": "kind=2|sohn=2|tochter=2|junge=1|madchen=1|mutter=2|vater=2|opa=2|oma=2|jahre alt=2",
    },
    "ctx:animal": {
        "nl": "hond=3|hondje=3|kat=3|katten=3|poes=3|kater=3|konijn=3|papegaai=3|parkiet=3|huisdier*=3",
        "fr": "chien=3|chienne=3|chiot=3|chat=3|chaton=3|chatte=3|lapin=3|perroquet=3|perruche=3|animal=3",
        "en": "dog=3|puppy=3|cat=3|kitten=3|rabbit=3|parrot=3|budgie=3|pet=3|tortoise=3",
        "de": "hund=3|katze=3|kater=3|haustier=3",
    },
    "ctx:item": {
        "nl": "fiets*=2|portefeuille=2|portemonnee=2|gsm=2|smartphone=2|laptop=2|pakje=2|pakket*=2"
        "|tas=1|handtas=1|sleutels=1|juwelen=1|bankkaart=1|gereedschap=2|bloembak*=2|kentekenplaat=1",
        "fr": "velo*=2|portefeuille=2|porte monnaie=2|gsm=2|telephone=1|smartphone=2|ordinateur=2|colis=2"
        "|sac=1|cles=1|bijoux=1|outils=2|jardiniere*=2|trottinette*=2",
        "en": "bike=2|bicycle=2|wallet=2|purse=1|phone=2|laptop=2|parcel*=2|package*=2|bag=1|keys=1"
        "|jewellery=1|jewelry=1|tools=2|scooter=1|plant pot*=2",
        "de": "fahrrad=2|geldborse=2|handy=2|paket=2|tasche=1|schlussel=1",
    },
    "ctx:origin": {
        "nl": "allochto*|buitenlander*|vreemdeling*|marokkan*|turk*|turken|roemeen*|roemenen|bulgar*"
        "|albane*|albanees|zigeuner*|woonwagenbewoner*|oostblok*|oost europe*|oosteurope*|afrikan*"
        "|arabier*|asielzoeker*|vluchteling*|migrant*|illegal*|noord afrikan*|donkere huidskleur"
        "|gekleurde|buitenlands uitziend*|uitheems*|moslim*|joden|joods*",
        "fr": "etranger*|immigre*|immigr*|maghrebin*|arabe*|africain*|roumain*|bulgare*|albanais*"
        "|gitan*|roms|rom|gens du voyage|nomade*|europe de l est|pays de l est|migrant*|refugie*"
        "|clandestin*|sans papiers|musulman*|juif*|basane*|typee*|type nord africain",
        "en": "foreigner*|immigrant*|migrant*|refugee*|asylum seeker*|gypsy|gypsies|gipsy|gipsies"
        "|travellers|roma|romanian*|bulgarian*|albanian*|moroccan*|turkish|arab*|african*|eastern european*"
        "|east european*|muslim*|jews|jewish|illegals|foreign looking|dark skinned|ethnic",
        "de": "auslander*|migrant*|fluchtling*|zigeuner*|osteurop*|rumanen|araber|afrikaner|muslime",
    },
    "ctx:general": {
        "nl": "al die|die mensen|dat soort|zulke mensen|altijd zij|typisch|die lui|dat volk|ze moeten terug",
        "fr": "ces gens|ce genre de|toujours eux|typique|ces individus la|ils n ont rien a faire"
        "|rentrez chez vous",
        "en": "those people|these people|their kind|always them|typical|go back to|don t belong|dont belong",
        "de": "diese leute|solche leute|typisch",
    },
    "ctx:share": {
        "nl": "foto=1|fotos=1|foto s=1|fotootje=1|filmpje=1|video=1|beelden=1|screenshot=1|in bijlage=1"
        "|bijlage=1|zie foto=2|hierbij=1|hieronder=1|delen=1|deel ik=2|verspreid*=1|doorsturen=1"
        "|nummerplaat=1|nummerplaten=1|kenteken*=1|plaat=1|hij heet=2|ze heet=2|zij heet=2|zijn naam is=2"
        "|haar naam is=2|naam van=1|woont op=2|woont in de=1|adres is=2|gsm nummer=2|telefoonnummer=2"
        "|facebook=1|profiel=1|herken*=1",
        "fr": "photo*=1|video*=1|image*=1|capture d ecran=1|ci joint=1|ci jointe=1|en piece jointe=1"
        "|voici=1"
        "|partager=1|partage=1|je partage=2|diffuser=1|faites tourner=2|plaque*=1"
        "|plaque d immatriculation=1"
        "|immatricul*=1|il s appelle=2|elle s appelle=2|son nom est=2|s appelle=1|habite au=2"
        "|habite rue=2|son adresse=2|numero de telephone=2|son numero=2|facebook=1|profil=1|reconnai*=1",
        "en": "photo*=1|pic=1|pics=1|picture*=1|video=1|footage=1|screenshot=1|attached=1|see below=1"
        "|here is=1|here s=1|share=1|sharing=1|spread=1|pass it on=2|license plate=1|licence plate=1"
        "|number plate*=1|reg plate=1|registration=1|plate number=1.5|plate=1|his name is=2|her name is=2"
        "|called=0.5|lives at=2|lives on=1|address is=2|phone number=2|facebook=1|profile=1|recogni*=1",
        "de": "foto*=1|bild*=1|video=1|anbei=1|kennzeichen=1|er heisst=2|sie heisst=2|wohnt in=1|teilen=1",
    },
    "ctx:we": {
        "nl": "we=1|wij=1|laten we=2|gaan we=2|zullen we=2|wie gaat mee=2|wie doet mee=2|allemaal=1"
        "|samen=1|zelf=1",
        "fr": "on=1|nous=1|allons=1|on va=2|on y va=2|qui vient=2|tous ensemble=2|nous memes=2|ensemble=1",
        "en": "we=1|let s=2|lets=2|we should=2|we will=1|who s in=2|ourselves=2|together=1|everyone=1",
        "de": "wir=1|lass uns=2|gemeinsam=1|selbst=1",
    },
}

# ---------------------------------------------------------------------------------------------
# Policy flags
# ---------------------------------------------------------------------------------------------

FLAGS: Lexicon = {
    "flag:vigilante": {
        "nl": "pakken we=3|we pakken=3|pak hem=3|pakken hem=2|grijp hem=3|grijpen hem=2|in elkaar slaan=3"
        "|in elkaar timmeren=3|in mekaar slaan=3|afrossen=3|aframmeling=3|afranselen=3|een lesje=3"
        "|lesje leren=3|eigen rechter=3|eigenrichting=3|burgerwacht*=3|knuppel*=1|honkbalknuppel*=1.5"
        "|zelf patrouill*=3|patrouill*=1.5|nachtrondes=2|achtervolg*=1.5|achterna=1.5|klemzetten=2"
        "|klem rijden=2|klemrijden=2|opwachten=2|opwacht=2|te grazen=3|lynch*=3|zelf aanpakken=3"
        "|zelf oplossen=2|zelf opknappen=2|zelf achter=2|verjagen=1.5|wegjagen=1.5|vastbinden=2"
        "|op zijn bek=3|op hun bek=3|op zijn smoel=3|kapotslaan=2|zullen het voelen=3|ze zullen zien=2"
        "|niet laten gebeuren=1|recht in eigen hand=3|recht in eigen handen=3",
        "fr": "on va le choper=3|on va les choper=3|choper=2|le choper=3|les choper=3|regler son compte=3"
        "|regler leur compte=3|faire justice=3|justice nous memes=3|justice soi meme=3|justice nous meme=3"
        "|milice*=3|rondes de nuit=2|ronde de nuit=2|patrouill*=1.5|donner une lecon=3"
        "|lui donner une lecon=3"
        "|leur donner une lecon=3|casser la gueule=3|peter la gueule=3|defoncer=2|tabasser=2|on le coince=3"
        "|on les coince=3|coincer=1.5|le coincer=2|poursuivre=1.5|poursuivi*=1|courir apres=1.5"
        "|battes de baseball=1.5|batte*=1|lyncher=3|lynch*=3|on s en occupe=2|s en occuper nous=3"
        "|on va s en occuper=3|chasser=1.5|virer du quartier=2|qu ils viennent=1",
        "en": "let s get him=3|lets get him=3|get him=2|get them=1.5|teach him a lesson=3"
        "|teach them a lesson=3"
        "|teach him=2|teach them=2|beat him up=3|beat them up=3|beat the=1.5|sort him out=3|sort them out=3"
        "|deal with him ourselves=3|deal with them ourselves=3|take matters into=3|own hands=2|vigilante*=3"
        "|citizen patrol*=3|neighbourhood patrol*=2|neighborhood patrol*=2|patrol*=1.5|chase him=2"
        "|chase them=2"
        "|chase*=1|go after=2|hunt him down=3|hunt them down=3|hunt down=2|baseball bat*=1.5|lynch*=3"
        "|corner him=2|give him a beating=3|give them a beating=3|kick his=3|kick their=3|run them out=2"
        "|smash his=2|make him pay=3|make them pay=3|wait for him=2|wait for them=2|catch him ourselves=3",
        "de": "schnappen wir=3|wir schnappen=3|verprugeln=3|burgerwehr=3|eine lektion=3|selbstjustiz=3"
        "|selbst justiz=3|jagen=1.5|patrouill*=1.5|baseballschlager=1.5",
    },
    "flag:political": {
        "nl": "vlaams belang=2|n va=2|nva=2|open vld=2|vld=2|pvda=2|cd v=2|cdv=2|groen=0.5|vooruit=0.5"
        "|sp a=2"
        "|stem op=1.5|stemmen op=1.5|stem voor=1|verkiezing*=1|partij*=1|kiescampagne=1.5|lijsttrekker=1.5"
        "|kandidaat=0.5|schepen=0.5|burgemeester=0.3|politiek*=1|politici=1|regering=1|links=0.3|rechts=0.3"
        "|kiezers=1|stembus=1.5|partijpolitiek=2|schild en vrienden=2|volksvreemd*=2|dankzij de partij=2",
        "fr": "ps=0.5|mr=0.5|ecolo=2|ptb=2|defi=1.5|les engages=2|vlaams belang=2|n va=2|votez=1.5"
        "|voter pour=1.5"
        "|vote pour=1|election*=1|electeurs=1|parti=1|partis=1|campagne electorale=1.5|tete de liste=1.5"
        "|candidat*=0.5|bourgmestre=0.3|echevin*=0.5|politique*=1|politicien*=1|gouvernement=1|urnes=1.5",
        "en": "vote for=1.5|vote=1|voting=1|election*=1|party=0.3|political=1|politician*=1|government=1"
        "|campaign=0.5|candidate*=0.5|mayor=0.3|council=0.3|left wing=1|right wing=1|ballot=1.5",
        "de": "wahlen sie=1.5|wahl*=1|partei*=1|afd=2|politik*=1|regierung=1",
    },
    "flag:slur": {
        "nl": "makak*=3|bruine rat*=3|kakkerlak*=1|geitenneuker*=3|zandneger*=3|neger=3|negers=3|negerin=3"
        "|kutmarokkan*=3"
        "|tuig van=2|gespuis=2|ongedierte=2|uitschot=2|zigeunertuig=3|vuile buitenlander*=3",
        "fr": "bougnoul*=3|bicot*=3|negre*=3|negro*=3|raton*=3|youpin*=3|chintok*=3|sale arabe=3"
        "|sale noir=3"
        "|sale etranger=3|vermine=2|racaille=2|bamboula*=3|romanichel*=3",
        "en": "nigger*=3|nigga*=3|paki*=3|wog*=3|gyppo*=3|pikey*=3|kike*=3|chink*=3|sand n*=3|vermin=2"
        "|scum=2"
        "|dirty foreigner*=3|animals like them=3",
        "de": "kanake*=3|neger=3|zigeunerpack=3|gesindel=2",
    },
}


# ---------------------------------------------------------------------------------------------
# Second pass: cues added while studying the errors on the train split (kept apart for review)
# ---------------------------------------------------------------------------------------------

TUNING: Lexicon = {
    "cat:burglary": {
        "nl": "iemand in hun=2|iemand binnen=3|is iemand binnen=3|glasgerinkel=2|binnen via=2"
        "|via het raam=2"
        "|bij ons binnen=3|binnen gekomen=2|binnengekomen=2|in het huis van=1|open te wrikken=2"
        "|openbreken=3"
        "|opentrekken=1|inbraakpoging*=3|op heterdaad=1",
        "fr": "quelqu un dedans=3|y a quelqu un dedans=3|entre par=2|entrent par=2|par le balcon=2"
        "|par la fenetre=2"
        "|rentrer chez=2|entres chez=3|sont entres=2|dans la maison des=2|forcer notre=2|paillasson=1",
        "en": "burgl*=3|someone is inside=3|someone inside=2|got into our house=3|into our house=2"
        "|through the window=2"
        "|thru the window=2|inside the house=2|door forced=3|forced=1.5|forcing open=3|get in through=2",
        "de": "ins haus=2|durchs fenster=2",
    },
    "cat:theft": {
        "nl": "gegrist=3|weggegrist=3|grist=2|gritst=2|wegzagen=2|weg te zagen=3|uit de fietsenstalling=2",
        "fr": "piqu* les=2|on m a pique=3|on m a vole=3|glisse* dans son sac=2|scient=1",
        "en": "grabbed=2|grabs=2|sawing=1|slipped .. into her bag=2|slipped .. into his bag=2"
        "|taking the bikes=2",
        "de": "klaut=3",
    },
    "cat:robbery_or_violence": {
        "nl": "gevochten=3|vechtend*=3|bloedt=1|te lijf=3|omringd=1|steekpartij=3",
        "fr": "poignarde*=3|encercle*=1",
        "en": "snatch*=2|handbag snatch*=3|going at each other=3|whacking=1|punching=3",
    },
    "cat:vandalism": {
        "nl": "ruiten=1.5|ruit=1|stenen=1.5|spiegel*=1.5|aftrappen=2|af te trappen=2|trapt .. af=2"
        "|omver=1.5"
        "|bekladden=3|spuitbus=2|omvergegooid=3|kapotgemaakt=3",
        "fr": "vitres=1.5|pierres=1.5|tague*=3|bombe de peinture=2|renverse*=1.5|casse la=2|cassent=2",
        "en": "wing mirror*=2|mirrors=1.5|kicking .. off=2|spray painting=3|knocking over=2|tipped over=2",
        "de": "werfen .. steine=3|steine=1.5|scheiben=1.5|gesprueht=2|gespruht=2",
    },
    "cat:fraud": {
        "nl": "zeggen dat ze=2|zegt dat hij=2|beweren=2|beweert=2|beweerde=2|waterleiding=1|sibelga=0.5"
        "|fluvius=0.5"
        "|proximus=1|engie=1|pakjesdienst*=1|betaallink=3|bankmedewerker=2|van de gemeente=1",
        "fr": "se presentant=3|pretendant=1.5|pretend=1.5|vivaqua=0.5|sibelga=0.5|proximus=0.5|engie=0.5"
        "|conseiller bancaire=2"
        "|lien de paiement=3|escroquerie=3|de la commune=1|sent l arnaque=3",
        "en": "say they re from=3|say they are from=3|saying they re from=3|claiming to be from=3"
        "|payment link=3"
        "|water company=1|gas company=1|from the council=1|so called=2|scammers=3|bank employee=2",
        "de": "falsch*=1.5|sms der bank=3|link=1",
    },
    "cat:fire_or_hazard": {
        "nl": "ruik gas=4|gas=2|ruikt .. naar gas=4|hoogspanningsdraad=3|draad=1|brandt=4|brandweerwagen*=3",
        "fr": "pue le gaz=4|le gaz=3|haute tension=2|brule=4",
        "en": "reeks of gas=4|smells of gas=4|high voltage=2|burning=3",
        "de": "rauchmelder*=2|brennt=4",
    },
    "cat:missing_person": {
        "nl": "geen nieuws=2|nergens=2|is weg=1|zwerft=2|vindt zijn mama niet=4|vindt zijn papa niet=4",
        "fr": "aucune nouvelle=2|n est toujours pas revenu*=3|pas revenu*=2|erre seul=3|ne le trouve=3"
        "|ne la trouve=3",
        "en": "vanished=3|can t find him=4|can t find her=4|cant find him=4|cant find her=4"
        "|still isn t back=3"
        "|still not back=3|no news=2|wandering alone=3|she s gone=2|he s gone=2",
        "de": "nirgends=2|ist jetzt weg=3",
    },
    "cat:suspicious_vehicle": {
        "nl": "rondrijdt=2|rondrijden=2|rondreed=2|vertraagt bij=2|zitten erin=2|zit erin=2",
        "fr": "roul* au pas=3|roul* lentement=3|arrete devant chaque=3|tourne dans le coin=2|fait le tour=2"
        "|ralentit devant=2",
        "en": "drives around=2|driving around=2|drove around=2|stopping at every=3|slows down at=2"
        "|going round the block=3"
        "|round the block=2",
        "de": "auslandisch* kennzeichen=2|steht seit=2",
    },
    "cat:suspicious_activity": {
        "nl": "autodeuren=3|portieren=3|liep .. rond=2|rondliep*=2|rondlopen=2|hing .. rond=2"
        "|foto s nemen=2|fotos nemen=2|trekt aan=2"
        "|in onze tuin=1|in de tuinen=2|in de tuin=1|loert=3|capuchon=2|bivakmutsen=3|iemand in onze=1"
        "|tuinpoort*=1|aan de deuren=2|collectant=1|belde aan=2",
        "fr": "portieres=3|sonn* aux portes=3|sonnait=2|se faufile=3|grimpe*=2|dans notre jardin=1"
        "|dans les jardins=2|cagoules=3"
        "|epie=3|regarde dans toutes=2|prend des notes=2",
        "en": "car doors=2|rang doorbells=2|ringing doorbells=3|knocking on doors=2|hang around=2"
        "|climbing on=2|in the garden=1"
        "|in the back gardens=2|masked=2|peeking=3|taking notes=2|prowling=3|prying at=2",
        "de": "klingelte=2|geklingelt=2|sturmhauben=3",
    },
    "cat:drugs": {
        "nl": "gedeald=3|zakjes=2|weegschaal*=2|lachgasballon*=3|cash=1",
        "fr": "sachets=2|balance=1|gaz hilarant=3",
        "en": "little bags=2|pills=2|small scale=2|swapping=1",
        "de": "tutchen=2|bargeld=1",
    },
    "urg:presence": {
        "nl": "nog bezig=3|er nog=1|ie is er nog=3|staan .. bij=1|nog altijd niet terug=3",
        "fr": "tjrs la=3|tjs la=3|tjrs=2|tjs=2|a l interieur=2|est la bas=2|la bas=1|y sont toujours=3",
        "en": "still at it=3|still going=3|there now=3|s there now=3|is inside=3|are inside=3"
        "|still isn t back=3",
        "de": "noch am=2|stehen noch=3",
    },
    "urg:progress": {
        "nl": "trekt aan=2|staat .. te loeren=3|te loeren=2",
        "fr": "sortir avec=1|grimpe=2|chargent=2",
        "en": "loading=2|walking out=2|walked out=1|pouring out=3",
        "de": "tauschen gerade=3",
    },
    "urg:now": {
        "nl": "ineens=2|plots=2|plotseling=2|hier ter plaatse=3",
        "fr": "la maintenant=3|a l instant meme=3|ca se passe maintenant=4",
        "en": "this very minute=3|here and now=3|right this moment=3",
        "de": "eben noch=3",
    },
    "urg:flee": {
        "nl": "loopt nu buiten=3",
        "fr": "sort maintenant=3",
        "en": "walking out now=3",
    },
    "non:idiom": {
        "nl": "nu de winter=0|nu de zomer=0|nu de herfst=0|nu de dagen=0|nu de avonden=0|nu de vakantie=0"
        "|nu de feestdagen=0|nu het donker=0|nu het koud=0|nu het warm=0|nu dat=0|nu eenmaal=0|tot nu toe=0"
        "|nu en dan=0",
        "fr": "maintenant que=0|jusqu a maintenant=0|en ce moment beaucoup=0"
        "|beaucoup de vols en ce moment=0|vient d emmenager=0|viens d emmenager=0|venons d emmenager=0",
        "en": "now that=0|now and then=0|until now=0|so far=0|by now=0",
        "de": "jetzt wo=0|bis jetzt=0",
    },
    "urg:help": {
        "nl": "wat moet ik doen=1.5|wat moet ik nu doen=2",
        "fr": "que dois je faire=1.5|que faire=1|je fais quoi=1.5",
        "en": "what do i do=1.5|what should i do=1.5",
    },
    "non:gone": {
        "nl": "niet meer gezien=3",
        "fr": "n a plus ete vu=3|plus ete revu=3",
        "en": "hasn t been seen=3|not been seen again=3|hasnt been seen=3",
    },
    "non:duration": {
        "nl": "deze maand=2",
        "fr": "ce mois ci=2",
        "en": "this month=2",
        "de": "seit einer woche=3",
    },
    "non:question": {
        "fr": "qu il s est passe=1.5",
        "en": "did something happen=2",
        "nl": "is er iets mee gebeurd=2",
    },
    "non:past": {
        "en": "while on holiday=3|monday=1|tuesday=1|wednesday=1|thursday=1|friday=1|saturday=1"
        "|sunday=1",
    },
    "non:aftermath": {
        "en": "reported to police=3|reported to the police=3|took fingerprints=3",
        "nl": "sporen genomen=3",
        "fr": "empreintes=2",
    },
    "non:prevention": {
        "fr": "attention=1.5|rangez=2",
        "en": "beware=2",
    },
    "ctx:person": {
        "nl": "mama=2|papa=2|mam=2|zoontje=2|kindje=2|kerel=0.5",
        "fr": "maman=2|papa=2|grand pere=2|grand mere=2|petit garcon=2",
        "en": "gran=2|granny=2|little boy=2|little girl=2",
        "de": "tochter=2|sohn=2",
    },
}

MORE: Lexicon = {
    "cat:burglary": {
        "nl": "wagenwijd open=2|staat .. open=1.5|stond .. open=1.5|zijn op reis=1.5|zijn op vakantie=1.5"
        "|in het huis=1.5|in huis=1.5|bij .. binnen=1.5|rommelen=2|gerommel=2|op heterdaad=2"
        "|bij afwezigheid=1"
        "|tijdschakelaar*=1.5|inbraakbeveiliging=2|alarmsysteem=1|open te krijgen=2|opengebroken=2",
        "fr": "grande ouverte=2|grand ouvert*=2|sont en voyage=1.5|sont en vacances=1.5|dans la maison=1.5"
        "|chez les voisins=1|fouiller=2|pris sur le fait=2|en flagrant delit=2|minuterie*=1.5"
        "|a ete force*=3"
        "|forcee=2|forces=1.5|quand vous partez=1|en votre absence=1",
        "en": "wide open=2|away on holiday=1.5|are away=1.5|r away=1.5|on hols=1.5|inside the=1.5"
        "|in the house=1.5"
        "|rummaging=2|caught in the act=2|timers=1.5|go away=1|while you re away=1|forced open=3",
        "de": "offen=1.5|sperrangelweit=2|verreist=1.5|auf frischer tat=2",
    },
    "cat:theft": {
        "nl": "in haar tas=1.5|in zijn tas=1.5|in haar jas=1.5|in zijn zak=1.5|zonder te betalen=3"
        "|winkeldiefstal=3"
        "|haalt .. weg=1.5|neemt .. mee=1.5|fietsen uit=2|uit de stalling=2|autoinbraak=4|auto inbraak=4",
        "fr": "dans son sac=1.5|dans sa poche=1.5|sans payer=3|sortir les velos=2|emport*=1.5"
        "|prend .. et part=2",
        "en": "into her bag=1.5|into his bag=1.5|in his pocket=1.5|without paying=3|was taken=3"
        "|were taken=3"
        "|been taken=3|got taken=3|making off with=3|made off with=3|car break in=4|car was broken into=4",
        "de": "ohne zu bezahlen=3|in die tasche=1.5",
    },
    "cat:vandalism": {
        "nl": "op de geparkeerde=2|op de auto=1|vuilnisbakken omver=3|trapt .. omver=3",
        "fr": "sur les voitures=2|renverse les poubelles=3|tape sur=1",
        "en": "parked cars=1.5|knocking over bins=3|on the cars=1.5",
    },
    "cat:fraud": {
        "nl": "kwam nooit terug=2|betaalde=1|meters kwam opnemen=3|meteropnemer*=3|geen badge=2"
        "|zonder badge=2",
        "fr": "jamais revenu=2|a paye=1|relever les compteurs=3|sans badge=2|pas de badge=2",
        "en": "never came back=2|paid=1|read the meters=3|meter reader*=3|no badge=2|no id=2",
    },
    "cat:fire_or_hazard": {
        "nl": "vuurwerk=0",
        "fr": "feux d artifice=0|cable*=1.5",
        "en": "fireworks=0|cable*=1.5",
        "de": "feuerwerk=0",
    },
    "cat:other": {
        "nl": "vuurwerk=1",
        "fr": "feux d artifice=1",
        "en": "fireworks=1",
        "de": "feuerwerk=1",
    },
    "cat:suspicious_activity": {
        "nl": "staat te kijken=2|met een lamp=2|met een zaklamp=2|a sonne=2|probeert .. open te=3"
        "|rond te kijken=2",
        "fr": "a sonne=2|avec une lampe=2|reste plante=2|observe=1.5|surveille=1.5",
        "en": "stands watching=2|watching the=1.5|with a torch=2|trying to get=2|trying to open=3"
        "|rang claiming=2",
        "de": "mit einer taschenlampe=2",
    },
    "urg:progress": {
        "nl": "op heterdaad=4|tillen=2|ik hoor ze=3|hoor ze=3",
        "fr": "pris sur le fait=4|en flagrant delit=4|je les entends=3|il y a quelqu un qui=2"
        "|y a quelqu un qui=2",
        "en": "caught in the act=4|i can hear them=3|there s someone=2|there is someone=2",
        "de": "auf frischer tat=4",
    },
    "non:resolved": {
        "nl": "geen paniek=4|alles is rustig=4|alles rustig=4|geen inbrekers=3|bleek .. te zijn=3"
        "|is de nieuwe=2",
        "fr": "pas de panique=4|tout est calme=4|calme maintenant=4|pas des voleurs=3|est le nouveau=2"
        "|c etait en fait=3",
        "en": "no panic=4|don t panic=3|all quiet=4|not burglars=3|is the new=2|turned out to be=3",
        "de": "keine panik=4|alles ruhig=4",
    },
    "ctx:person": {
        "nl": "man=1|vrouw=1|meisje=1.5|ouders=1",
        "fr": "homme=1|femme=1|fille=1.5|parents=1",
        "en": "man=1|woman=1|girl=1.5|parents=1",
        "de": "mann=1|frau=1",
    },
}

# Third pass: a broad sweep of everyday wording per category (ladders, sparks, tyres let down,
# tech-support scams, "I can see", future dates), written from the domain, not from the corpus.
SWEEP: Lexicon = {
    "cat:burglary": {
        "nl": "ladder=1|bewegen binnen=2|iemand bewegen=1.5|niet thuis=1|kelderraam=1.5|schuifraam=1.5"
        "|schuifdeur=1|raam .. open=1|kluis=1|bewoners zijn=1|beveilig*=1",
        "fr": "echelle=1|bouger dedans=2|bouger a l interieur=2|soupirail=1.5|baie vitree=1|coffre fort=1"
        "|fenetre .. ouverte=1|absents=1|securiser=1|cambrioleurs=3",
        "en": "ladder=1|moving about inside=2|moving around inside=2|moving inside=2|basement window=1.5"
        "|patio door=1|sliding door=1|window is open=1|owners are away=1.5|not home=1|secure a=1|safe=0.5",
        "de": "leiter=1.5|niemand zu hause=1",
    },
    "cat:theft": {
        "nl": "zonder sleutel=2|niet de zijne=2.5|niet van hem=2|slot .. doorgeknipt=3|doorgeknipt=2"
        "|koperdiefstal=3"
        "|koper=1|brandstof .. afgetapt=3|probeert .. mee te nemen=2|probeert .. te starten=2",
        "fr": "sans cle=2|pas le sien=2.5|pas a lui=2|cadenas .. coupe=3|cadenas coupe=3|vol de cuivre=3"
        "|cuivre=1"
        "|essaie de prendre=2|essaie de demarrer=2",
        "en": "without a key=2|isn t his=2.5|isnt his=2.5|not his=2|lock had been cut=3|lock was cut=3"
        "|lock cut=3"
        "|copper=1|siphon*=2|trying to take=2|trying to start=2|hotwir*=3",
        "de": "ohne schlussel=2|schloss .. durchtrennt=3",
    },
    "cat:vandalism": {
        "nl": "kapot=1|kapot trappen=3|kapotgetrapt=3|kapot te trappen=3|platgestoken=3|plat gestoken=3"
        "|lek=1"
        "|bloembakken=1|uitgetrokken=1.5|vernielen=3|ingetrapt=2|bushokje=1|brievenbus=1",
        "fr": "defonc*=2|bacs a fleurs=1|arrache* les plantes=2|pneus .. crev*=3|creve les pneus=3"
        "|abribus=1"
        "|boite aux lettres=1|casser=2",
        "en": "smashing up=3|smash up=3|smashed up=3|let down the tyres=3|let the tyres down=3"
        "|let down .. tyres=3"
        "|tyres let down=3|deflated=2|flower boxes=1|planters=1|ripped out=1.5|bus shelter=1|letterbox=1"
        "|mailbox=1|kicked in=2|trashed=2",
        "de": "zerstort=2|kaputt=1.5|reifen .. zerstochen=3",
    },
    "cat:fraud": {
        "nl": "microsoft=2|helpdesk=1.5|toegang tot .. pc=3|toegang tot .. computer=3|teamviewer=3"
        "|anydesk=3"
        "|in veiligheid brengen=3|van de politie is=3|zegt dat hij van de politie=3|loterij=2|gewonnen=1"
        "|erfenis=1|investering*=1.5|crypto=2|qr code=1|betaalverzoek=2|payconiq=1|2dehands=1"
        "|telefoon van een=1",
        "fr": "microsoft=2|support technique=2|acces a .. ordinateur=3|teamviewer=3|anydesk=3"
        "|en securite=2.5"
        "|mettre .. en securite=3|etre de la police=3|se dit policier=3|loterie=2|gagne=1|heritage=1"
        "|investissement*=1.5|crypto=2|appel d un=1|demande de paiement=2",
        "en": "microsoft=2|tech support=2|access to .. computer=3|remote access=3|teamviewer=3|anydesk=3"
        "|somewhere safe=3|safekeeping=3|saying he s police=3|says he s police=3|says he is police=3"
        "|claims to be police=3|lottery=2|you ve won=2|inheritance=1|investment*=1.5|crypto=2|call from a=1"
        "|payment request=2",
        "de": "microsoft=2|zugang zum computer=3|lotterie=2|gewonnen=1",
    },
    "cat:fire_or_hazard": {
        "nl": "vonk*=3|kortsluiting=3|elektriciteitskast=1.5|brandkranen=2|brandkraan=2|ijzel=2|gladheid=2"
        "|dakpannen=2|loszittend*=1.5|lekkende=1.5",
        "fr": "etincelle*=3|court circuit=3|boitier electrique=1.5|bouches d incendie=2|bouche d incendie=2"
        "|verglas=2|tuiles=2|fuite=1.5",
        "en": "sparking=3|sparks=3|short circuit=3|electrical box=1.5|fire hydrant*=2|black ice=2|icy=1"
        "|roof tiles=2|loose tiles=2|leaking=1.5|leak=1",
        "de": "funken=3|kurzschluss=3|glatteis=2",
    },
    "cat:missing_person": {
        "nl": "afgedwaald=3|weggewandeld=3|overal gezocht=3|zoeken .. al=2|kleintje=1|kleine van=1",
        "fr": "s est eloigne*=3|cherche* depuis=3|partout=1|mon petit=1|ma petite=1",
        "en": "wandered away=4|been looking for=3|looking everywhere=3|little one=1",
        "de": "weggelaufen=2|suchen seit=3",
    },
    "cat:suspicious_vehicle": {
        "nl": "camper=1|zitten in=1|zit in de auto=2|zitten in de auto=2|met lichten uit=2"
        "|staat .. met .. mannen=1",
        "fr": "camping car=1|stationne depuis=2|assis dans=2|stationne devant=2",
        "en": "camper van=1|sitting outside=2|sitting in=1.5|lights off for=2",
        "de": "wohnmobil=1",
    },
    "cat:suspicious_activity": {
        "nl": "schijnt met=3|schijnt .. in=2|bijlichten=2|klembord=1.5|clipboard=1.5|langs alle deuren=2",
        "fr": "eclaire l interieur=3|eclaire .. voitures=3|porte documents=1.5|a toutes les portes=2",
        "en": "shining a light=3|shining a torch=3|clipboard=1.5|door to door=1",
        "de": "leuchtet in=3",
    },
    "cat:drugs": {
        "nl": "overdracht=1.5",
        "fr": "echange=1",
        "en": "handover=1.5",
    },
    "cat:other": {
        "nl": "buurtschoonmaak=2|opruimactie=2|helpen met=1|mee helpen=1|stroomuitval=1|wegenwerken=2"
        "|mag dat=1",
        "fr": "nettoyage du quartier=2|aider au=1|coupure de courant=1|travaux=1.5|est ce permis=1"
        "|c est permis=1",
        "en": "clean up=2|help with=1|power cut=1|roadworks=2|is that allowed=1",
    },
    "urg:presence": {
        "nl": "ik zie=2|zie ik=2|ik zie nu=3|aan haar deur=2|aan zijn deur=2|voor haar deur=2"
        "|voor zijn deur=2"
        "|belt .. aan bij=2",
        "fr": "je vois=2|je les vois=2|je le vois=2|devant sa porte=2|devant la porte=1.5|sonne chez=1.5",
        "en": "i can see=2|i see=2|i m watching=2|at her door=2|at his door=2|at the door=1.5"
        "|ringing .. bell=2",
        "de": "ich sehe=2",
    },
    "non:past": {
        "nl": "ik zag=1.5|kregen=1",
        "fr": "j ai vu=1.5|passait=1|c etait=1",
        "en": "i saw=1.5|we saw=1.5|got a call=1",
        "de": "ich sah=1.5",
    },
    "non:future": {
        "nl": "morgen=3|overmorgen=3|volgende week=3|volgende maand=3|volgende zaterdag=3|volgende zondag=3"
        "|binnenkort=3|straks=1|later vandaag=2",
        "fr": "demain=3|apres demain=3|semaine prochaine=3|mois prochain=3|samedi prochain=3"
        "|dimanche prochain=3"
        "|bientot=3|prochainement=3",
        "en": "tomorrow=3|next week=3|next month=3|next saturday=3|next sunday=3|soon=2|upcoming=3"
        "|later today=2",
        "de": "morgen=3|nachste woche=3|demnachst=3",
    },
    "urg:flee": {
        "nl": "kwam net naar buiten=3|komt .. naar buiten=2|net naar buiten=3",
        "fr": "vient de sortir=3|sortir avec=1",
        "en": "just walked out=3|just came out=3|walking off with=3",
    },
    "non:prevention": {
        "nl": "adviseert=3|raadt .. aan=3",
        "fr": "conseille=3|conseillent=3",
        "en": "advise=3|advises=3|advised to=3",
    },
    "non:meta": {
        "nl": "helpen met=2|mee helpen=2|wie wil=2",
        "fr": "aider au=2|aider a=1.5|qui veut=2",
        "en": "help with=2|who wants=2",
    },
    "ctx:person": {
        "nl": "kleintje=2|kleine van=2",
        "fr": "mon petit=2|ma petite=2",
        "en": "little one=2",
    },
    "ctx:vehicle": {
        "nl": "camper=2|scooter=1",
        "fr": "camping car=2",
        "en": "camper=2",
    },
}

# Fourth pass: wording from a second fresh holdout (drones, solar panels, fuel leaks, fake
# inspectors, online-marketplace fraud) and minutes-scale durations, which mean "still going on".
FOURTH: Lexicon = {
    "cat:burglary": {
        "nl": "binnengeklommen=3|binnen geklommen=3|klommen .. binnen=3|klimmen .. naar binnen=3|dakraam=1.5",
        "fr": "velux=1.5|entres par=3|sont entres=2|entre par le=2",
        "en": "climbed in=3|skylight=1.5|got in through=3|getting in through=3",
    },
    "cat:theft": {
        "nl": "zonnepanelen=1.5|gehaald=1|weghalen=1.5|afhalen=1|gedemonteerd=1.5|demonteren=1.5",
        "fr": "panneaux solaires=1.5|demont*=1.5|enlevent=1.5",
        "en": "solar panels=1.5|taking .. off=1.5|removing=1|stripping=1.5",
    },
    "cat:robbery_or_violence": {
        "nl": "honkbalknuppel=2|knuppel=2",
        "fr": "batte=2",
        "en": "bat=1.5|baseball bat=2",
    },
    "cat:vandalism": {
        "nl": "hamer=1.5|hakenkruis*=3|geschilderd op=2|beschilderd=2|ruiten van=1",
        "fr": "marteau=1.5|croix gammee*=3|peint* sur=2|vitres de=1",
        "en": "hammer=1.5|swastika*=3|painted on=2|windows with=1",
    },
    "cat:fraud": {
        "nl": "inspecteur=1.5|geld bewaart=3|waar ze haar geld=3|nooit geleverd=3|niet geleverd=2|marketplace=1",
        "fr": "inspecteur=1.5|range son argent=3|ou elle range=2|jamais ete livre=3|jamais livre=3|pas ete livre=2"
        "|marketplace=1",
        "en": "inspector=1.5|keeps her money=3|keeps his money=3|never delivered=3|never arrived=2|marketplace=1",
    },
    "cat:fire_or_hazard": {
        "nl": "brandstof=2|benzine=2|diesel=2|ongeval=1.5|aanrijding=1.5|tegen een gevel=2|gebotst=1.5"
        "|gladde=2|glad=1|ijs=1",
        "fr": "carburant=2|essence=1|gazole=2|accident=1.5|percute*=1.5|glissant*=2|verglace*=2",
        "en": "fuel=2|petrol=2|diesel=2|crash*=1.5|accident=1.5|slippery=2|icy=1.5",
    },
    "cat:missing_person": {
        "nl": "niet terug=3|niet teruggekomen=4|gezocht=2|werd gezocht=3|nog niet terug=4",
        "fr": "n est pas revenu*=4|pas revenu*=3|recherche depuis=3|recherche* depuis=3",
        "en": "hasn t come back=4|hasnt come back=4|not come back=4|not back=2|searched for=3|being searched=3",
    },
    "cat:suspicious_activity": {
        "nl": "drone=2|verscholen=2|verstopt zich=2",
        "fr": "drone=2|se cache=2",
        "en": "drone=2|hiding=2",
    },
    "cat:drugs": {
        "nl": "lachgasfles*=3|lachgasflessen=3",
        "fr": "bonbonne*=1.5|protoxyde=3",
        "en": "nitrous canisters=3",
    },
    "urg:presence": {
        "nl": "ik sta aan de overkant=2|sta aan de overkant=2|staat bij=1.5|zit bij=1.5|in de keuken=1",
        "fr": "je suis en face=2|est dans la=1.5|sont dans la=1.5",
        "en": "i m across=2|across the road=1|is in my=1.5|are in my=1.5",
    },
    "non:gone": {
        "en": "had gone=3|had left=3",
        "nl": "was hij weg=3|was ze weg=3",
        "fr": "avait disparu=3|il etait parti=3",
    },
}

# Fifth pass: from a third fresh holdout (hauling bikes, passive "is being kicked", vulnerable
# runaways, bank-withdrawal scams, "did you know" tips) and neutralisers for false friends
# ("er brandt licht" is a lamp, not a fire).
FIFTH: Lexicon = {
    "cat:fire_or_hazard": {
        "nl": "brandt licht=0|er brandt licht=0|licht brandt=0|brandt er licht=0",
        "fr": "feu rouge=0|feux de signalisation=0|feu vert=0|pas de feu=0",
        "en": "fired from=0|got fired=0",
    },
    "cat:theft": {
        "nl": "sleuren=1.5|sleept=1.5|slepen=1.5|zijn verdwenen uit=2|weggenomen uit=2|uit onze brievenbus=2",
        "fr": "font passer=1.5|ont disparu de=2|disparu de notre=2|par dessus la grille=1",
        "en": "hauling=1.5|dragging=1.5|have gone from=2|gone from our=2|over the school fence=1",
    },
    "cat:robbery_or_violence": {
        "nl": "vastgehouden=2|geschopt=3|schoppen=2|afgerukt=0.5",
        "fr": "coups de pied=3|tenue par=1.5",
        "en": "kicked=3|being held=2",
    },
    "cat:vandalism": {
        "nl": "zijspiegel*=2|afgerukt=1.5|brievenbus=0",
        "fr": "boite aux lettres=0",
        "en": "letterbox=0|mailbox=0|ripped .. off=2",
    },
    "cat:missing_person": {
        "nl": "autistisch*=2|weggelopen uit=3|reageert niet op zijn naam=3|reageert niet op haar naam=3",
        "fr": "autiste=2|s est echappe*=3|ne reagit pas a son prenom=3",
        "en": "autistic=2|run out of=3|ran out of=3|run off=2|won t respond to=2|doesn t respond to=2",
    },
    "cat:fraud": {
        "nl": "geld af te halen=2|geld afhalen=2|belastingschuld=3|schuld=1|belastingen=1",
        "fr": "retirer de l argent=2|dette d impots=3|dette=1|impots=1",
        "en": "withdraw cash=2|withdraw money=2|tax debt=3|debt=1|taxes=1",
    },
    "cat:suspicious_activity": {
        "nl": "verrekijker=3|in een struik=2|binnen te mogen=2|mocht binnen=1",
        "fr": "jumelles=3|dans un buisson=2|voulait entrer=2",
        "en": "binoculars=3|in a bush=2|to come in=1",
    },
    "urg:flee": {
        "nl": "rennen .. richting=3|rent .. richting=3|lopen .. richting=2",
        "fr": "courent vers=3|court vers=3",
        "en": "running towards=3|running toward=3|running down=2",
    },
    "non:prevention": {
        "nl": "wist je dat=3|wist u dat=3|gratis=1",
        "fr": "saviez vous=3|savez vous que=3|gratuitement=1",
        "en": "did you know=3|for free=1",
    },
    "non:aftermath": {
        "nl": "verhoord=3|ondervraagd=3",
        "fr": "a entendu=2|interroge*=2",
        "en": "questioned=3|interviewed=2",
    },
    "ctx:item": {
        "nl": "bankkaarten=2|brieven=2",
        "fr": "cartes bancaires=2|lettres=2",
        "en": "bank cards=2|letters=2",
    },
}

# Sixth pass: endings of missing-person alerts, official warnings, gas cartridges, trailers.
SIXTH: Lexicon = {
    "non:resolved": {
        "nl": "goed nieuws=3|fijn nieuws=3|is terug bij=4|stelt het goed=3|in het ziekenhuis=1.5|update=1.5",
        "fr": "bonne nouvelle=3|est de retour=4|il va bien=3|elle va bien=3|a l hopital=1.5|mise a jour=1.5",
        "en": "good news=3|is back with=4|doing fine=3|is safe=3|in hospital=1.5|update=1.5",
        "de": "gute nachricht=3",
    },
    "non:prevention": {
        "nl": "waarschuwt=2.5|waarschuwen voor=2.5",
        "fr": "met en garde=2.5|mettent en garde=2.5|avertit=2.5",
        "en": "warns=2.5|warn=2|warning of=2.5",
    },
    "non:meta": {
        "nl": "de gemeente=1|de stad=0.5",
        "fr": "la commune=1|la ville=0.5",
        "en": "the council=1|the city=0.5",
    },
    "cat:drugs": {
        "nl": "gascartouches=2|patroontjes=2|plastic zakjes=2",
        "fr": "cartouches de gaz=2|sachets plastiques=2",
        "en": "gas canisters=2|plastic bags=1.5",
    },
    "cat:fire_or_hazard": {
        "nl": "gascartouches=0",
        "fr": "cartouches de gaz=0",
        "en": "gas canisters=0",
    },
    "ctx:share": {
        "nl": "zonder nummerplaat=0|zonder nummerplaten=0|zonder kenteken=0|buitenlandse nummerplaat=0"
        "|buitenlandse platen=0|buitenlandse plaat=0|nederlandse plaat=0|franse plaat=0",
        "fr": "sans plaque=0|sans plaques=0|plaque etrangere=0|plaques etrangeres=0|plaque francaise=0"
        "|plaque neerlandaise=0|sans plaque d immatriculation=0",
        "en": "no plates=0|no number plate=0|no number plates=0|without plates=0|foreign plates=0|foreign plate=0"
        "|dutch plates=0|french plates=0|no license plate=0|no licence plate=0",
        "de": "ohne kennzeichen=0|auslandisches kennzeichen=0",
    },
    "ctx:vehicle": {
        "nl": "aanhangwagen=2|aanhanger=2|caravan=2|motorhome=2|oldtimer=2",
        "fr": "remorque=2|caravane=2|mobilhome=2|camping car=2",
        "en": "trailer=2|caravan=2|motorhome=2|camper van=2",
        "de": "anhanger=2|wohnwagen=2",
    },
}

# Seventh pass: from a fourth fresh holdout (moving a motorbike away, pulled-out flowers, "watch out
# for", "two nights ago", "not seen since").
SEVENTH: Lexicon = {
    "cat:theft": {
        "nl": "duwen .. weg=2|duwt .. weg=2|wegduwen=2|verplaatsen=1|wegrijden met=2",
        "fr": "poussent=1.5|pousse .. plus loin=1.5|deplacer=1",
        "en": "pushing .. away=2|pushing it=1.5|wheeling .. away=2",
    },
    "cat:vandalism": {
        "nl": "bloemen=1|plantenbak*=1.5|getrokken=0.5|uitgerukt=1.5",
        "fr": "fleurs=1|bacs=1",
        "en": "flowers=1|pulled .. out=1.5|planters=1.5",
    },
    "ctx:item": {
        "nl": "motorfiets=2|motor=1|brommer=2|bromfiets=2|scooter=2",
        "fr": "moto=2|mobylette=2|scooter=2",
        "en": "motorbike=2|motorcycle=2|moped=2|scooter=2",
    },
    "non:prevention": {
        "nl": "oppassen=2.5|oppassen voor=2.5|op je hoede=2.5",
        "fr": "mefiez vous des=3|gare aux=2.5",
        "en": "watch out for=2.5|look out for=2.5|be careful of=2.5",
    },
    "non:past": {
        "nl": "geleden=2|nachten geleden=3",
        "fr": "deux nuits=2",
        "en": "ago=2|nights ago=3",
    },
    "non:gone": {
        "nl": "sindsdien niet meer=3",
        "fr": "plus revu*=3|pas revu*=2",
        "en": "not seen since=3|not been seen since=3",
    },
}

# Eighth pass: shops and cafés (BIN-Z) from a fifth fresh holdout: shoplifting under a coat,
# drunk customers throwing chairs, shutters going up at night, cameras unscrewed, accidents.
EIGHTH: Lexicon = {
    "cat:robbery_or_violence": {
        "nl": "gooit met=2|gooien met=2|dronken=1|weigert te vertrekken=1.5|ruzie=1.5|handgemeen=3|agressieve klant=3",
        "fr": "lance des=1.5|ivre=1|saoul=1|refuse de partir=1.5|dispute=1.5|altercation=3|client agressif=3",
        "en": "throwing chairs=3|throwing=1|drunk=1|won t leave=1.5|refuses to leave=1.5|argument=1.5"
        "|altercation=3|aggressive customer=3",
        "de": "betrunken=1|streit=1.5",
    },
    "cat:theft": {
        "nl": "onder haar jas=2.5|onder zijn jas=2.5|stopt .. onder=1.5|naar de uitgang=1|winkeldiefstal=3",
        "fr": "sous sa veste=2.5|sous son manteau=2.5|cache* .. sous=1.5|vers la sortie=1|vol a l etalage=3",
        "en": "under her coat=2.5|under his coat=2.5|hidden .. under=1.5|for the exit=1|shoplifting=3",
    },
    "cat:drugs": {
        "nl": "pillen=2",
        "fr": "pilule*=2|droguerie=0|droguiste=0",
        "en": "selling pills=3",
    },
    "cat:suspicious_activity": {
        "nl": "schroeven .. los=2|schroeft .. los=2|losschroeven=2|foto s van=2|fotos van=2",
        "fr": "devisse*=2",
        "en": "unscrew*=2",
    },
    "cat:burglary": {
        "nl": "rolluik=1.5|terwijl de zaak dicht is=2|zaak dicht=1.5|boren=1.5",
        "fr": "rideau metallique=1.5|alors que c est ferme=2|foreuse=1.5|perceuse=1.5",
        "en": "shutter=1.5|while it s closed=2|drilling=1.5",
    },
    "cat:fire_or_hazard": {
        "nl": "tegen een paal=2|bewegingloos=2",
        "fr": "percute un poteau=2|immobile=1",
        "en": "hit a pole=2|motionless=2|knocked down=2",
    },
    "urg:danger": {
        "nl": "bewegingloos=4|ligt .. op de rijbaan=3|is bang=1.5|personeel is bang=2",
        "fr": "etendu immobile=4|a peur=1.5",
        "en": "lying motionless=4|motionless=3|are scared=1.5|is scared=1.5",
    },
    "urg:flee": {
        "nl": "loopt naar de uitgang=2.5",
        "fr": "se dirige vers la sortie=2.5",
        "en": "heading for the exit=2.5",
    },
    "urg:alarm": {
        "nl": "ik hoor=2",
        "fr": "j entends une=2",
        "en": "i can hear drilling=3",
    },
    "non:meta": {
        "nl": "dank aan=2.5|bedankt aan=2.5",
        "fr": "merci aux=2.5",
        "en": "thanks to all=3|thanks to everyone=3|thanks to the=2",
    },
}

# Who is doing something: with a "now" cue and no category cue, a report about people acting is
# suspicious activity (rule:actor_now).
ACTORS: Lexicon = {
    "ctx:actor": {
        "nl": "iemand|een man|twee mannen|drie mannen|mannen|jongeren|jongens|een vrouw|een persoon|personen|kerel"
        "|gast|gasten|types|individu|onbekende|een groep|bende",
        "fr": "quelqu un|qqn|un homme|deux hommes|trois hommes|des hommes|des jeunes|une femme|un individu"
        "|des individus|un type|des types|un mec|des mecs|une personne|des personnes|une bande|un groupe",
        "en": "someone|somebody|some1|a man|two men|three men|men|a woman|youths|kids|teenagers|a guy|guys"
        "|a person|people|a group|a gang|a bloke|lads",
        "de": "jemand|ein mann|zwei manner|manner|jugendliche|eine frau|eine gruppe",
    },
    "non:gone": {
        "nl": "is ze weg=3|is hij weg=3|ze is weg=3|hij is weg=3",
    },
    "cat:other": {
        "nl": "groepsaankoop=2",
        "fr": "achat groupe=2",
        "en": "group purchase=2|group buy=2",
    },
}

# Ninth pass: from a sixth fresh holdout (rummaging in cars, climbing in through windows,
# weighing on a car bonnet, storms, doorbells ripped out, inheritance letters, unreachable teens).
NINTH: Lexicon = {
    "cat:burglary": {
        "nl": "binnen te klimmen=3|naar binnen te klimmen=3|binnen te komen=2|via het keukenraam=2",
        "fr": "entrer par la fenetre=3|fouille dans=2|passer par la fenetre=2",
        "en": "climb in through=3|climbing in through=3|get in through the window=3",
    },
    "cat:theft": {
        "nl": "portier staat open=1.5|in de auto van=1",
        "fr": "portiere est ouverte=1.5|dans la voiture de=1",
        "en": "car door is open=1.5|inside my neighbour s car=1.5|in my car=1",
    },
    "cat:drugs": {
        "nl": "wegen iets af=3|afwegen=2.5|weegt .. af=2.5",
        "fr": "pesent quelque chose=3|pese* .. sur le capot=3",
        "en": "weighing something=3|weighing out=3",
    },
    "cat:fire_or_hazard": {
        "nl": "storm=2|stormschade=2|boom .. gevallen=3|rukwinden=2",
        "fr": "tempete=2|arbre est tombe=3|arbre .. tombe=3|rafales=2",
        "en": "storm=2|gale=2|tree fell=3",
        "de": "sturm=2",
    },
    "cat:vandalism": {
        "nl": "uit de muur=2|uit de muur getrokken=3|deurbel=1",
        "fr": "arrachee du mur=3|arrache du mur=3|sonnette=1",
        "en": "ripped out of the wall=3|out of the wall=2|doorbell=1",
    },
    "cat:fraud": {
        "nl": "advocaat=1|notaris=1|kosten betalen=2|erfenis=1.5",
        "fr": "avocat=1|notaire=1|payer des frais=2|heritage=1.5",
        "en": "lawyer=1|solicitor=1|pay fees=2|inheritance=1.5",
    },
    "cat:robbery_or_violence": {
        "nl": "met een fles=2.5|fles op zijn hoofd=3|op zijn hoofd geslagen=3",
        "fr": "coup de bouteille=3|coup sur la tete=3",
        "en": "hit over the head=3|with a bottle=2.5",
    },
    "cat:missing_person": {
        "nl": "niet komen opdagen=2|neemt .. niet op=2|onbereikbaar=2.5|niet bereikbaar=2.5",
        "fr": "pas venue=1.5|pas venu=1.5|ne repond pas au telephone=2.5|injoignable=2.5",
        "en": "didn t turn up=2|didnt turn up=2|isn t answering=2|not answering=2|unreachable=2.5",
    },
    "ctx:person": {
        "nl": "jarig=0|van 12=1|jaar=1",
        "fr": "ans=1",
        "en": "aged=1.5",
    },
}

# Tenth pass: from a seventh fresh holdout (van models, filming houses, parcels taken from
# doorsteps, garden furniture, paint thrown, boilers and CO, German basics).
TENTH: Lexicon = {
    "ctx:vehicle": {
        "nl": "transit=2|sprinter=2|vito=2|kangoo=2|berlingo=2|caddy=2|ducato=2|jumper=1|master=1",
        "fr": "transit=2|sprinter=2|vito=2|kangoo=2|berlingo=2|caddy=2|ducato=2|trafic=1",
        "en": "transit=2|sprinter=2|vito=2|kangoo=2|berlingo=2|caddy=2|ducato=2",
        "de": "transit=2|sprinter=2",
    },
    "cat:suspicious_vehicle": {
        "nl": "rijdt .. traag=3|rijdt .. langzaam=3|rijden .. traag=3|bijrijder filmt=3",
        "fr": "roul* .. lentement=3|roul* .. au pas=3|passager filme=3",
        "en": "crawling through=3|driving .. slowly=3|passenger is filming=3",
        "de": "fahrt .. langsam=3",
    },
    "cat:suspicious_activity": {
        "nl": "filmt=2|filmen=2|fotografeert=2|gluurt door=3",
        "fr": "filme=2|filment=2|regarde par la fente=3|photographie les=2",
        "en": "filming=2|peering through=3|peering=2|photographing cars=2",
        "de": "machen sich .. zu schaffen=2|filmt=2",
    },
    "cat:theft": {
        "nl": "pakjes weg=3|halen .. weg=1.5|pakketten weg=3",
        "fr": "emporter les colis=3|emportent les colis=3|prennent les colis=3",
        "en": "taking the parcels=3|taking parcels=3|took the parcels=3|taking the packages=3",
        "de": "pakete weg=3",
    },
    "ctx:item": {
        "nl": "tuinmeubel*=2|terrasmeubel*=2|pakjes=2",
        "fr": "meubles de jardin=2|mobilier de jardin=2",
        "en": "garden furniture=2|patio furniture=2",
        "de": "gartenmobel=2",
    },
    "cat:vandalism": {
        "nl": "verf .. gegooid=3|letterbox=0",
        "fr": "peinture .. jetee=3|jetee sur la facade=3",
        "en": "paint was thrown=3|thrown at the front=2|paint thrown=3",
        "de": "farbe .. geworfen=3",
    },
    "cat:fire_or_hazard": {
        "nl": "verwarmingsketel=2|cv ketel=2|co vergiftiging=3|koolmonoxidevergiftiging=3",
        "fr": "chaudiere=2|intoxication au co=3",
        "en": "boiler=2|co poisoning=3",
        "de": "heizkessel=2|kohlenmonoxid=3",
    },
    "cat:burglary": {
        "de": "brecheisen=2|am fenster=1|einsteigen=2",
    },
    "cat:fraud": {
        "nl": "nepfactuur=3|valse factuur=3|factuur=1",
        "fr": "fausse facture=3|facture=1",
        "en": "fake invoice=3|invoice=1",
        "de": "gefalschte rechnung=3|rechnung=1|gefalscht*=2",
    },
    "cat:robbery_or_violence": {
        "fr": "importune*=2|l empeche de partir=3",
        "en": "won t let her leave=3|won t let him leave=3",
        "nl": "laat haar niet gaan=3|laat hem niet gaan=3",
    },
}

# Eleventh pass: from an eighth fresh holdout (SMS style): glass breaking next door means a
# break-in; a person loitering around cars is suspicious activity, not a suspicious vehicle.
ELEVENTH: Lexicon = {
    "cat:burglary": {
        "nl": "hoor glas=3|glas kapot=2|glas breken=3|nie thuis=1.5|zijn niet thuis=1.5|niemand thuis=1.5",
        "fr": "entends du verre=3|verre casser=2|ils sont pas la=1.5|personne a la maison=1.5",
        "en": "hear glass=3|glass smashing=3|glass breaking=3|not home=1.5|nobody home=1.5",
        "de": "glas klirren=3|nicht zu hause=1.5",
    },
    "cat:suspicious_activity": {
        "nl": "rond de auto s=2|rond de autos=2|rond de wagens=2|bij de autos=1",
        "fr": "autour des voitures=2",
        "en": "round the cars=2|around the cars=2",
        "de": "um die autos=2",
    },
    "ctx:actor": {
        "nl": "vent|kerel|gast|man|vrouw",
        "fr": "type|gars|mec|homme|femme",
        "en": "bloke|guy|man|woman|lad",
        "de": "typ|mann|frau",
    },
}

# Twelfth pass: from a ninth fresh holdout ("Card Stop" courier scams, "se fait voler",
# toddlers wandering off, wipers pulled off, white powder, spare keys under flowerpots).
TWELFTH: Lexicon = {
    "cat:fraud": {
        "nl": "namens=1.5|card stop=3|kaart in een envelop=3|in een envelop=2|koerier komt=2",
        "fr": "de la part de=1.5|card stop=3|carte dans une enveloppe=3|dans une enveloppe=2|coursier va=2",
        "en": "on behalf of=1.5|card stop=3|card in an envelope=3|in an envelope=2|courier is coming=2",
    },
    "urg:now": {
        "nl": "komt zo=2.5|zo meteen=2.5|komt ze zo=2.5|staat op het punt=2.5",
        "fr": "va passer=2|vont passer=2|sur le point de=2.5|arrive tout de suite=2.5",
        "en": "is coming to=2.5|coming to collect=3|about to=2.5|on his way=2|on their way=2",
    },
    "urg:progress": {
        "nl": "wordt beroofd=4|wordt bestolen=4|wordt aangevallen=4",
        "fr": "se fait voler=3|se fait agresser=4|se fait frapper=4|se fait arracher=4|se fait racketter=4"
        "|se fait tabasser=4",
        "en": "having his phone=2|being robbed=4",
    },
    "cat:robbery_or_violence": {
        "nl": "beroofd van=3",
        "fr": "se fait voler son=3|se fait arracher=3|se fait racketter=3",
        "en": "robbed=2|phone robbed=3|robber=3",
    },
    "urg:flee": {
        "fr": "part vers=2.5|partent vers=2.5|l auteur part=3|s eloigne vers=2.5",
        "nl": "loopt weg richting=3",
        "en": "is heading for=2.5|heading for the=2.5",
    },
    "cat:missing_person": {
        "nl": "peuter=1.5|weggewandeld uit=3|uitkijken aub=1",
        "fr": "bambin=1.5|est sorti de la creche=3|est sorti* de l ecole=3|ouvrez l oeil=1",
        "en": "toddler=1.5|wandered out of=3|keep an eye out=1",
    },
    "ctx:person": {
        "nl": "peuter=2|kleuter=2",
        "fr": "bambin=2",
        "en": "toddler=2",
    },
    "urg:help": {
        "nl": "iedereen uitkijken=2|uitkijken aub=2|ogen open=2",
        "fr": "ouvrez l oeil=2|ouvrez les yeux=2",
        "en": "keep an eye out=2|everyone look out=2",
    },
    "cat:vandalism": {
        "nl": "antenne*=2|ruitenwisser*=2",
        "fr": "antenne*=2|essuie glace*=2",
        "en": "aerials=2|wipers=2|antennas=2",
    },
    "cat:drugs": {
        "nl": "wit poeder=3|poeder=1.5",
        "fr": "poudre blanche=3|poudre=1.5",
        "en": "white powder=3|powder=1.5",
    },
    "cat:burglary": {
        "nl": "reservesleutel=2|onder de bloempot=1.5|onder de mat=1.5|omhoog te duwen=3|omhoog duwen=2",
        "fr": "cle de reserve=2|sous le pot de fleurs=1.5|soulever la porte=3",
        "en": "spare key=2|under the flowerpot=1.5|under the mat=1.5|force up=3",
    },
}

# Thirteenth pass: from a tenth fresh holdout (witnesses working from home, "is back and waiting",
# copper drainpipes sawn off, an elderly neighbour not home, e-bikes catching fire, scribbles).
THIRTEENTH: Lexicon = {
    "urg:flee": {
        "nl": "zie net=3|zag net=3|net gezien=2.5",
        "fr": "je viens de voir=3|viens de voir=3",
        "en": "just saw=3|just seen=2.5",
    },
    "urg:presence": {
        "nl": "is terug en=3|weer terug en=3|sta er nu voor=3|ik sta er=2|sta ervoor=2",
        "fr": "est revenue et=3|est revenu et=3|je suis juste devant=3|suis devant=2",
        "en": "is back and=3|back again and=2.5|standing right in front=3|i m standing=2",
    },
    "urg:help": {
        "nl": "maken ons ongerust=2.5|ongerust=1.5|zijn bezorgd=2",
        "fr": "on s inquiete=2.5|inquiets=1.5|inquiete=1.5",
        "en": "we re worried=2.5|worried=1.5",
    },
    "non:resolved": {
        "en": "caught=0|caught fire=0|got caught=2|were caught=3|was caught=3",
    },
    "cat:fire_or_hazard": {
        "nl": "vatte vuur=4|in brand gevlogen=4|fietsenberging=0.5",
        "fr": "a pris feu=4|pris feu=4",
        "en": "caught fire=4|catching fire=4",
    },
    "cat:burglary": {
        "nl": "springen over=2|springt over=2|over de achtermuur=2|achtermuur=1.5",
        "fr": "sauter le mur=2|sautent le mur=2|mur arriere=1.5",
        "en": "jump the=1.5|jumped the=1.5|back wall=1.5|over the wall=1.5",
    },
    "cat:theft": {
        "nl": "afzagen=2.5|aan het afzagen=3|regenpijp=1.5|dakgoot=1.5|leeggemaakt=2|ontbreekt=1.5",
        "fr": "scier=2|gouttiere=1.5|videe=1.5|il manque=1.5",
        "en": "sawing off=3|drainpipe=1.5|gutter=1|emptied=2",
    },
    "cat:missing_person": {
        "nl": "niet thuis en=1.5|gaat nooit buiten=2.5|nooit buiten=2",
        "fr": "n est pas chez elle=2|n est pas chez lui=2|ne sort jamais=2.5",
        "en": "isn t home=1.5|never goes out=2.5",
    },
    "cat:drugs": {
        "nl": "geblowd=3|blowen=3|jointjes=3",
        "fr": "fume des joints=3|fument des joints=3|fume=0",
        "en": "smoking weed=3",
    },
    "cat:vandalism": {
        "nl": "beklad met=3|stift=1|gekrabbel=2",
        "fr": "gribouill*=2|marqueur=1.5|tague au=2",
        "en": "scribbled=2|scrawled=2|marker pen=1.5",
    },
}

# Fourteenth pass: from an eleventh fresh holdout (nuisances that are `other`: traffic, power
# cuts, abandoned bikes, fly-tipping; loose animals on the road; scam calls about customs).
FOURTEENTH: Lexicon = {
    "cat:other": {
        "nl": "te snel=2|snelheid=1.5|drempels=2|verkeer=1|achtergelaten=2|sluikstort*=2|stroompanne=2"
        "|stroomonderbreking=2|panne=1|blaft=2|geblaf=2",
        "fr": "trop vite=2|vitesse=1.5|ralentisseurs=2|circulation=1|abandonne*=2|depot* clandestin*=2"
        "|panne de courant=2|coupure=1|aboie=2|aboiements=2",
        "en": "too fast=2|speeding=2|speed bumps=2|traffic=1|abandoned=2|fly tipped=2|fly tipping=2"
        "|flytipping=2|power cut=2|outage=2|barking=2",
        "de": "zu schnell=2|stromausfall=2",
    },
    "cat:fire_or_hazard": {
        "nl": "loslopende koe=3|loslopend paard=3|koe=1|paard=1|op de rijbaan=1|moeten uitwijken=2",
        "fr": "vache en liberte=3|cheval en liberte=3|vache=1|cheval=1|sur la chaussee=1|doivent l eviter=2",
        "en": "cow is loose=3|horse is loose=3|cow=1|horse=1|on the road=1|swerve=2",
    },
    "cat:vandalism": {
        "nl": "leuzen=1.5|gespoten=2|racistische=1",
        "fr": "slogans=1.5|peints=1.5|racistes=1",
        "en": "slogans=1.5|sprayed=2|racist=1",
    },
    "cat:fraud": {
        "nl": "valse technici=4|nep technici=4|valse monteur*=4|onbekend nummer=1.5|douane=1.5"
        "|pakket vastzat=2|pakket zit vast=2",
        "fr": "numero inconnu=1.5|douane=1.5|colis etait bloque=2|colis bloque=2",
        "en": "unknown number=1.5|customs=1.5|parcel was stuck=2|parcel is stuck=2",
    },
}

# Fifteenth pass: from a twelfth fresh holdout ("nothing was taken", rattled gates, someone
# downstairs while home alone, a man in a parked car, fake bank couriers, borrowing a ladder).
FIFTEENTH: Lexicon = {
    "cat:theft": {
        "nl": "niets gestolen=0|niet gestolen=0|niets meegenomen=0|niks gestolen=0|niks meegenomen=0",
        "fr": "rien n a ete vole=0|rien n a ete pris=0|rien vole=0|rien pris=0|rien n a ete emporte=0",
        "en": "nothing was taken=0|nothing taken=0|nothing was stolen=0|nothing stolen=0",
    },
    "cat:suspicious_activity": {
        "nl": "gemorreld=2|morrelen=2|morrelt=2",
        "fr": "secoue*=1.5|a secoue=2",
        "en": "rattled=2|rattling=2|creeping=3|creep*=2|shining=2",
    },
    "cat:suspicious_vehicle": {
        "nl": "stopt telkens=3|stopt .. bij de huizen=3|met een man erin=3|met twee mannen erin=3",
        "fr": "s arrete devant les maisons=3|homme dedans=3|personnes dedans=3|hommes dedans=3",
        "en": "keeps stopping at=3|a man in it=3|men in it=3|people in it=3",
    },
    "cat:burglary": {
        "nl": "beneden in mijn huis=3|in mijn huis=2|alleen thuis=1.5|iemand beneden=2",
        "fr": "dans ma maison=2|en bas dans ma maison=3|seule a la maison=1.5|quelqu un marcher en bas=3",
        "en": "downstairs in my house=3|in my house=2|home alone=1.5|someone walking around downstairs=3",
    },
    "urg:flee": {
        "nl": "rijdt net weg=3|fietst net weg=3|net weggefietst=3",
        "fr": "vient de partir avec=3",
        "en": "just ridden off=3|has just ridden off=3|ridden off=2|cycled off=2",
    },
    "cat:vandalism": {
        "nl": "verkeersbord*=1.5|trapt .. om=2|omtrappen=2",
        "fr": "panneaux de signalisation=1.5",
        "en": "road signs=1.5|knocking over the=2",
    },
    "non:resolved": {
        "nl": "terecht=2.5|gelukkig terecht=4",
        "fr": "heureusement ete retrouve*=4",
        "en": "thankfully been found=4",
    },
    "non:past": {
        "en": "when we got back=3|got back=2",
    },
    "cat:other": {
        "nl": "lenen=2|uitlenen=2",
        "fr": "preter=2|emprunter=2",
        "en": "borrow=2|lend=2",
    },
    "cat:robbery_or_violence": {
        "fr": "s est fait voler=3|s est fait agresser=3|s est fait arracher=3|distributeur=1",
        "nl": "bankautomaat=1|geldautomaat=1",
        "en": "cash machine=1|atm=1",
    },
    "cat:fraud": {
        "nl": "zegt dat hij van de bank=3|van de bank is=3|kaarten komt ophalen=3|haar kaarten=1.5",
        "fr": "vient de la banque=3|chercher ses cartes=3|il dit qu il=1.5|ses cartes=1.5",
        "en": "saying he s from the bank=3|from the bank=2|collect her cards=3|her cards=1.5",
    },
}

# Sixteenth pass: from a thirteenth fresh holdout (wheels taken off, burst water mains, hissing gas
# meters, someone sleeping in a car trying doors, bangers through letterboxes, multi-day durations).
SIXTEENTH: Lexicon = {
    "cat:theft": {
        "nl": "wielen=1.5|velgen=1.5|op stenen=2|op blokken=2",
        "fr": "roues=1.5|jantes=1.5|sur des briques=2|sur cales=2",
        "en": "wheels=1.5|rims=1.5|on bricks=2|on blocks=2",
    },
    "cat:fire_or_hazard": {
        "nl": "spuit water=3|loopt onder=2.5|kelders lopen vol=3|waterleiding gesprongen=3|gasmeter=2|sissend*=2"
        "|ruikt raar=1",
        "fr": "eau jaillit=3|jaillit=2|caves se remplissent=3|conduite d eau=2.5|compteur de gaz=2|sifflement=2"
        "|sent bizarre=1",
        "en": "water is gushing=3|gushing=2|cellars are filling=3|water main=3|gas meter=2|hissing=2"
        "|strange smell=1",
    },
    "cat:suspicious_activity": {
        "nl": "voordeur te openen=3|slaapt iemand in een auto=2|slaapt in een auto=2",
        "fr": "ouvrir notre porte=3|dort dans une voiture=2",
        "en": "open our front door=3|sleeping in a car=2",
    },
    "urg:flee": {
        "nl": "heeft net=2.5|net geprobeerd=2.5",
        "fr": "vient d essayer=2.5",
        "en": "just tried=2.5",
    },
    "cat:vandalism": {
        "nl": "vuurwerk in de brievenbus*=3|in de brievenbussen=2",
        "fr": "petards dans les boites=3|dans les boites aux lettres=2",
        "en": "bangers through the letterbox*=3|through the letterboxes=2|bangers=1.5",
    },
}

# Seventeenth pass: from a fourteenth fresh holdout (suicidal people missing, forced entry with
# people inside, queues at a dealer's car, loose facades, "don't pay anything", door-to-door sellers).
SEVENTEENTH: Lexicon = {
    "cat:missing_person": {
        "nl": "suicidale=3|suicidaal=3|zelfmoordgedachten=3|zonder gsm=2|zonder zijn gsm=2|zonder haar gsm=2",
        "fr": "suicidaire*=3|idees suicidaires=3|sans telephone=2|sans son telephone=2",
        "en": "suicidal=3|without his phone=2|without her phone=2",
    },
    "urg:danger": {
        "nl": "suicidale=3|suicidaal=3|zelfmoordgedachten=3",
        "fr": "suicidaire*=3",
        "en": "suicidal=3",
    },
    "ctx:item": {
        "nl": "zonder gsm=0|zonder zijn gsm=0|zonder haar gsm=0",
        "fr": "sans telephone=0|sans son telephone=0",
        "en": "without his phone=0|without her phone=0",
    },
    "cat:burglary": {
        "nl": "met geweld binnen=3|binnengevallen=3",
        "fr": "entres de force=3|entre de force=3|de force chez=3",
        "en": "forced their way=3|forced his way=3",
    },
    "urg:presence": {
        "nl": "er staat een rij=2|staat een rij=2",
        "fr": "il y a une file=2|une file de=1.5",
        "en": "there s a queue=2|a queue of=1.5",
    },
    "cat:fire_or_hazard": {
        "nl": "stuk gevel=2|hangt los=2|los boven=2",
        "fr": "morceau de facade=2|pend au dessus=2",
        "en": "hanging loose=2|piece of the facade=2",
    },
    "non:prevention": {
        "nl": "betaal niets=3|betaal niet=2.5|zonder te controleren=2",
        "fr": "ne payez rien=3|ne payez pas=2.5|sans verifier=2",
        "en": "don t pay=3|dont pay=3|without checking=2",
    },
    "cat:fraud": {
        "nl": "verkopers=1|opdringerig=1.5|langs de deuren=1.5",
        "fr": "vendeurs=1|insistants=1.5|porte a porte=2",
        "en": "salesmen=1|pushy=1.5|going door to door=2",
    },
}

# Present-tense crime verbs (third person): written while it happens.
PRESENT: Lexicon = {
    "cat:vandalism": {
        "en": "smashes=2|smash=1.5|smashing up=3",
        "nl": "vernielen=3",
        "fr": "cassent tout=3",
    },
    "urg:progress": {
        "nl": "steelt=2|stelen ze=2|vernielt=2|vernielen ze=2|vernielen=1.5|bekladden=1.5|bekladt=2"
        "|verkoopt=1.5|verkopen=1|!dealt=1.5"
        "|sloopt=2|trapt=1.5|gooit=1.5|duwt=1|rukt=2|sleurt=2|forceert=3|wrikt=3|zaagt=2.5|knipt=2.5",
        "fr": "volent=2|vendent=1.5|vend=1|frappent=2|arrachent=2.5|scient=2.5|coupent=2|poussent=1.5|jettent=2"
        "|lancent=2|taguent=2|forcent=3",
        "en": "steals=2|stealing=2|smashes=2|smashing=2|breaks into=2|sells=1.5|selling=1.5|deals=1.5|kicks=2"
        "|throws=1.5|throwing=1.5|cuts=2|cutting=2|sawing=2.5|forcing=2.5",
        "de": "klaut=2|stiehlt=2|verkauft=1.5|schlagt=2|wirft=1.5",
    },
}

# Eighteenth pass: from a fifteenth fresh holdout (car boots emptied, people injecting, lamp posts
# pulled down, tinted-window jeeps, "heard by the police", "has just ... and gone in").
EIGHTEENTH: Lexicon = {
    "cat:theft": {
        "nl": "leeghalen=2.5|koffer=1|koffer van een auto=2",
        "fr": "vider le coffre=3|coffre=1|piqu* nos=2|piqu* notre=2",
        "en": "emptying the boot=3|boot of a car=1.5",
    },
    "cat:drugs": {
        "nl": "openlijk gespoten=3|naald in zijn arm=3|knikkebollen=2|spuiten zich=3",
        "fr": "se pique*=3|seringue dans le bras=3|somnole=1.5",
        "en": "injecting=3|needle in his arm=3|nodding off=2",
    },
    "cat:vandalism": {
        "nl": "lantaarnpaal omver=3|trekt .. omver=3|lantaarnpaal=1.5",
        "fr": "arrache le lampadaire=3|lampadaire=0.5",
        "en": "lamp post down=3|pulling the lamp post=3|lamp post=1.5",
    },
    "cat:other": {
        "fr": "lampadaire*=1",
    },
    "cat:suspicious_vehicle": {
        "nl": "getinte ramen=2",
        "fr": "vitres teintees=2",
        "en": "tinted windows=2",
    },
    "ctx:vehicle": {
        "nl": "jeep=2|terreinwagen=2|pick up=2",
        "fr": "jeep=2|4x4=2|pick up=2",
        "en": "jeep=2|pick up=2|pickup=2",
    },
    "non:aftermath": {
        "nl": "gehoord door de politie=3|verhoord door=3",
        "fr": "entendu* par la police=3",
        "en": "heard by the police=3",
    },
    "urg:progress": {
        "nl": "ligt te knikkebollen=2|spuit zich=2",
        "fr": "donne des coups=3|donnent des coups=3|se pique=2",
        "en": "is kicking=3|is injecting=2",
    },
    "urg:danger": {
        "fr": "homme a terre=3|a terre=2",
        "nl": "man op de grond=3",
        "en": "man lying on the ground=4",
    },
    "urg:flee": {
        "en": "has just=2.5|have just=2.5|and gone in=3",
        "nl": "en is naar binnen=3|is naar binnen=3",
    },
    "cat:burglary": {
        "en": "gone in=2.5|and gone in=3",
        "nl": "is naar binnen=3",
        "fr": "et est entre=3",
    },
    "cat:fraud": {
        "nl": "te controleren=1|rioolbuizen=1",
        "fr": "controler les=1|egouts=1",
        "en": "sewer=1|to check the=1",
    },
}

# Nineteenth pass: from a sixteenth fresh holdout (intruders seen on a home camera, tram wires
# down, burglars while asleep, snapped trees, marks in letterboxes, parcels snatched).
NINETEENTH: Lexicon = {
    "cat:burglary": {
        "nl": "in onze living=3|in de living=2|in onze woonkamer=3|bewegingsmelder=1.5|wij zijn op het werk=1.5"
        "|zijn op het werk=1",
        "fr": "dans notre salon=3|dans le salon=2|detecteur de mouvement=1.5|nous sommes au travail=1.5",
        "en": "in our living room=3|living room=1.5|motion sensor=1.5|we re at work=1.5",
    },
    "cat:fire_or_hazard": {
        "nl": "bovenleiding=3|kabels op straat=3|hangen kabels=2.5",
        "fr": "catenaire=3|cables pendent=3",
        "en": "overhead tram wires=3|overhead wires=3|cables are hanging=3",
    },
    "non:past": {
        "nl": "terwijl ze sliepen=3|terwijl we sliepen=3|merkten het pas=3|pas s ochtends=2",
        "fr": "pendant leur sommeil=3|pendant notre sommeil=3|ne s en sont rendu compte=3",
        "en": "while they slept=3|while we slept=3|only noticed=3",
    },
    "cat:vandalism": {
        "nl": "geknakt=3|knakken=2|bomen .. gebroken=3",
        "fr": "arbres .. casses=3|ont tous ete casses=2.5",
        "en": "snapped=2.5|trees .. broken=3",
    },
    "cat:drugs": {
        "nl": "lachgas*=3",
    },
    "cat:suspicious_activity": {
        "nl": "briefje met cijfers=3|cijfers en tekens=3",
        "fr": "chiffres et des signes=3|des signes=1.5|symboles=2",
        "en": "numbers and symbols=3|symbols=2",
    },
    "urg:flee": {
        "fr": "vient d=2.5|viennent d=2.5|monte dans un taxi=2.5|monte dans une voiture=2.5",
        "nl": "stapt in een taxi=2.5|stapt in een auto=2.5",
        "en": "getting into a taxi=2.5|getting into a car=2.5",
    },
    "cat:theft": {
        "nl": "pakje van de stoep=3|van de stoep gegrist=3",
        "fr": "arracher un colis=3|colis sur le trottoir=2",
        "en": "snatched a parcel=3|parcel from a doorstep=3",
    },
}

# Twentieth pass: from a seventeenth fresh holdout (mixed time frames: "yesterday X, and now Y";
# siblings gone with a note; "is it normal that the police ...").
TWENTIETH: Lexicon = {
    "urg:now": {
        "nl": "en nu=4|maar nu=4|nu weer=3.5|nu staat=3|nu loopt=3|vandaag weer=2.5",
        "fr": "et maintenant=4|mais maintenant=4|et la le=3|a nouveau=1.5|de nouveau=1.5",
        "en": "and now=4|but now=4|now the same=4|is back in the street=3|again now=3",
    },
    "cat:suspicious_vehicle": {
        "nl": "dezelfde auto=2.5|dezelfde grijze=1.5|dezelfde wagen=2.5|staat .. weer in de straat=2.5",
        "fr": "la meme voiture=2.5|est revenue dans la rue=2.5",
        "en": "same grey=1.5|back in the street=2.5",
    },
    "non:gone": {
        "nl": "is .. weg=2.5",
    },
    "cat:missing_person": {
        "nl": "briefje achtergelaten=2.5|is .. weg=1",
        "fr": "a laisse un mot=2.5|laisse un mot=2",
        "en": "left a note=2.5",
    },
    "ctx:person": {
        "nl": "zus=2|zusje=2|broer=2|broertje=2|volwassene=2",
        "fr": "soeur=2|frere=2|adulte=2",
        "en": "sister=2|brother=2|adult=2",
    },
    "urg:presence": {
        "nl": "ik zie rook=3|zie vlammen=3|mensen rennen=2",
        "fr": "je vois de la fumee=3|des gens qui courent=2",
        "en": "i can see smoke=3|people running=2",
    },
    "non:past": {
        "fr": "mois dernier=3|du mois dernier=3|etait due=2",
        "en": "last month s=3|was caused by=2",
        "nl": "van vorige maand=3",
    },
    "urg:help": {
        "nl": "bezorgd=1.5|erg bezorgd=2.5",
        "fr": "tres inquiets=2.5|tres inquiete=2.5",
        "en": "very worried=2.5",
    },
    "cat:suspicious_activity": {
        "nl": "aan onze deur=1.5|aan de deur=1",
        "fr": "a notre porte=1.5",
        "en": "at our door=1.5",
    },
}

# Twenty-first pass: from an eighteenth fresh holdout (dialect and slang: "ge moet rap komen",
# "le ket", pickpocketing on the tram, "every morning").
TWENTYFIRST: Lexicon = {
    "non:past": {
        "nl": "in de vakantie=2.5|in het verlof=2.5",
    },
    "non:duration": {
        "nl": "elke ochtend=3|elke morgen=3|s morgens altijd=3|iedere ochtend=3",
        "fr": "chaque matin=3|tous les matins=3|le matin il y a toujours=3",
        "en": "every morning=3|each morning=3",
    },
    "cat:theft": {
        "nl": "in zijn zak=2|steekt .. in zijn zak=3",
        "fr": "met .. dans sa poche=3",
        "en": "into his pocket=2.5|slipped .. into his pocket=3",
    },
    "urg:progress": {
        "nl": "steekt juist=2.5|steekt .. in zijn zak=2.5",
        "fr": "il met=1.5|met juste=2.5",
        "en": "just slipped=3",
    },
    "urg:help": {
        "nl": "ge moet rap komen=4|rap komen=3|kom rap=4",
        "fr": "venez vite=4",
        "en": "come quick=4",
    },
}

# Twenty-second pass: from a nineteenth fresh holdout (bikes ridden off, hand-offs through car
# windows, rhetorical "nu", overcharging "plumbers", intruders seen through the alarm app, car models).
TWENTYSECOND: Lexicon = {
    "cat:theft": {
        "nl": "fietst weg met=3|fietst weg op=3",
        "fr": "part a velo avec=3",
        "en": "cycling off on=3|cycling off with=3|rode off on=3",
    },
    "urg:flee": {
        "nl": "fietst weg=3",
        "fr": "part a velo=3",
        "en": "cycling off=3",
    },
    "cat:drugs": {
        "nl": "iets door het raam=3|geeft telkens iets=3|om de vijf minuten=1.5",
        "fr": "quelque chose par la fenetre=3|toutes les cinq minutes=1.5",
        "en": "something through the window=3|every five minutes=1.5",
    },
    "urg:now": {
        "nl": "om de vijf minuten=2|om de paar minuten=2",
        "fr": "toutes les cinq minutes=2|toutes les deux minutes=2",
        "en": "every five minutes=2|every few minutes=2",
    },
    "non:idiom": {
        "nl": "wie doet nu zoiets=0|wie doet nu nog=0|doet nu zoiets=0",
        "en": "who does that now=0",
    },
    "cat:fraud": {
        "nl": "loodgieter=1|rekende=1.5|woekerprijs=3",
        "fr": "plombier=1|a facture=1.5|prix exorbitant=3",
        "en": "plumber=1|charged=1.5|overcharg*=3",
    },
    "cat:fire_or_hazard": {
        "nl": "omgewaaide=2.5",
        "fr": "arbre tombe=3",
        "en": "fallen tree=3",
    },
    "non:resolved": {
        "nl": "opgeruimd=3|weggehaald=2",
        "fr": "a degage=3|degage=2",
        "en": "cleared=2.5|removed=2",
    },
    "cat:other": {
        "nl": "kapotte straatlamp=3|straatlamp kapot=3",
        "fr": "lampadaire casse=3|lampadaire en panne=3",
        "en": "broken street light=3|street light is out=3",
    },
    "cat:burglary": {
        "nl": "via de app=1|ik ben op mijn werk=1.5|man in de keuken=3",
        "fr": "sur l appli=1|je suis au travail=1.5|homme dans la cuisine=3|dans la cuisine=1.5",
        "en": "on the app=1|i m at work=1.5|man in the kitchen=3|in the kitchen=1.5",
    },
    "cat:suspicious_activity": {
        "nl": "kijken door de ramen=3",
        "fr": "regardent par les fenetres=3",
        "en": "looking in through the windows=3|looking in through=3",
    },
    "urg:progress": {
        "fr": "regardent par=2|vont de porte en porte=2",
        "en": "are going door to door=2",
    },
    "urg:presence": {
        "nl": "staat .. te wachten=2.5",
        "fr": "attend depuis=2.5",
        "en": "has been waiting=2.5|is waiting=2",
    },
    "cat:suspicious_vehicle": {
        "nl": "staat .. te wachten=1.5",
        "fr": "attend devant=1.5",
        "en": "waiting .. outside=2",
    },
    "ctx:vehicle": {
        "nl": "polo=2|clio=2|corsa=2|astra=2|focus=1|fiesta=2|octavia=2|passat=2|yaris=2|twingo=2|megane=2"
        "|qashqai=2|kuga=2",
        "fr": "polo=2|clio=2|corsa=2|astra=2|fiesta=2|octavia=2|passat=2|yaris=2|twingo=2|megane=2|qashqai=2",
        "en": "polo=2|clio=2|corsa=2|astra=2|fiesta=2|octavia=2|passat=2|yaris=2|twingo=2|megane=2|qashqai=2",
    },
}

# Twenty-third pass: from a twentieth fresh holdout (ladders at bedroom windows, handbags taken
# from terraces, exploding kettles, lost toddlers, roofers wanting cash up front, SMS "fines").
TWENTYTHIRD: Lexicon = {
    "cat:burglary": {
        "nl": "slaapkamerraam=2|morrelen aan het raam=3|aan het raam te morrelen=3|naar de kust=1.5|naar zee=1.5"
        "|geprobeerd binnen te geraken=3|binnen te geraken=2",
        "fr": "fenetre de la chambre=2|trafique* la fenetre=3|a la mer=1|essaye d entrer=3|essaye d entrer par=3",
        "en": "bedroom window=2|fiddling with the=2|at the coast=1.5|tried to get in=3",
    },
    "non:past": {
        "nl": "vorig najaar=3|in het najaar=2.5|vorige zomer=3|afgelopen zomer=3|afgelopen winter=3|vorige winter=3",
        "fr": "l automne passe=3|l automne dernier=3|l ete dernier=3|l hiver dernier=3",
        "en": "last autumn=3|last summer=3|last winter=3|last spring=3",
    },
    "non:prevention": {
        "nl": "een goede grendel=3|helpt=1",
        "fr": "un bon verrou=3|aide=0.5",
        "en": "a good bolt=3|helps=1",
    },
    "cat:theft": {
        "nl": "gaat .. vandoor met=3|vandoor met=3|boodschappen uit=2",
        "fr": "filer avec=3|file avec=3|a pris .. mes=2|mes courses=1",
        "en": "made off with the=3|took my shopping=3|my shopping=1",
    },
    "ctx:item": {
        "nl": "handtas=2|boodschappen=1",
        "fr": "sac a main=2|courses=1",
        "en": "handbag=2|shopping=1",
    },
    "ctx:vehicle": {
        "nl": "fietskar=0",
        "fr": "remorque du velo=0",
        "en": "bike trailer=0",
    },
    "cat:vandalism": {
        "nl": "stukgegooid=3|stuk gegooid=3|kapotgegooid=3",
        "fr": "ont ete cassees=2",
        "en": "were smashed=2",
    },
    "cat:fire_or_hazard": {
        "nl": "ontploft=4|brandgeur=3|waterkoker=1",
        "fr": "sent le brule=3|bouilloire=1",
        "en": "burning smell=3|kettle=1|exploded=4",
    },
    "cat:missing_person": {
        "nl": "alleen op de stoep=2|geen ouders=3|huilend=1.5|loopt .. alleen=2|het geld is weg=0",
        "fr": "marche seule=2|aucun parent=3|en pleurant=1.5|argent est perdu=0|l argent est perdu=0",
        "en": "walking alone=2|no parents=3|crying=1.5",
    },
    "cat:fraud": {
        "nl": "voorschot=2|cash voorschot=3|dak lekt=1.5|boete=1.5|via een sms link=2.5|sms link=2.5|het geld is weg=2",
        "fr": "acompte=2|en liquide=1.5|toit fuit=1.5|affirme que=1.5|amende=1.5|lien sms=2.5|argent est perdu=2",
        "en": "up front=2|cash up front=3|roof is leaking=1.5|claims my=2|fine through=2|text link=2.5"
        "|money s gone=2",
    },
    "cat:robbery_or_violence": {
        "nl": "uitgescholden en geduwd=3",
        "fr": "insulter et pousser=3|se fait insulter=2.5",
        "en": "sworn at=2|shoved=2",
    },
}

# Twenty-fourth pass: from a twenty-first fresh holdout (abandoned suitcases with wires, chemical
# smells, fuel siphoned, bins searched, hedges pulled out, "police" calls about savings, bullying).
TWENTYFOURTH: Lexicon = {
    "cat:fire_or_hazard": {
        "nl": "achtergelaten koffer=4|verdacht pakket=4|kabels uitsteken=3|chemische geur=3|hoofdpijn=1",
        "fr": "valise abandonnee=4|colis suspect=4|cables qui depassent=3|odeur chimique=3|maux de tete=1",
        "en": "abandoned suitcase=4|suspicious package=4|wires sticking out=3|chemical smell=3|headaches=1",
    },
    "urg:danger": {
        "nl": "kabels uitsteken=3|hoofdpijn=2",
        "fr": "cables qui depassent=3|maux de tete=2",
        "en": "wires sticking out=3|headaches=2",
    },
    "cat:theft": {
        "nl": "afgetapt=3|uit de tank=2",
        "fr": "siphonne*=3|du reservoir=2",
        "en": "siphoned=3|from our van s tank=2",
    },
    "cat:suspicious_activity": {
        "nl": "vuilbakken doorzoeken=3|doorzoeken=2",
        "fr": "fouillent les poubelles=3",
        "en": "going through the bins=3",
    },
    "non:question": {
        "nl": "zijn er anderen die=2.5",
        "fr": "d autres voient=2.5",
        "en": "do others see=2.5|do others=2",
    },
    "cat:vandalism": {
        "nl": "haag=0.5|haag .. uitgetrokken=3",
        "fr": "haie=0.5|haie a ete arrachee=3",
        "en": "hedge=0.5|hedge was pulled out=3",
    },
    "non:past": {
        "fr": "la nuit passee=3",
    },
    "non:aftermath": {
        "nl": "is op de hoogte=2.5",
        "fr": "est au courant=2.5",
        "en": "the head teacher knows=2.5|knows about it=2",
    },
    "urg:progress": {
        "nl": "aan de gang=2.5|is aan de gang=3",
        "fr": "a lieu en ce moment=3",
        "en": "is going on=2.5",
    },
    "cat:robbery_or_violence": {
        "nl": "gepest=2|gevecht=3|gevechten=3",
        "fr": "harcele*=2",
        "en": "bullied=2",
    },
    "cat:fraud": {
        "nl": "de politie aan de lijn=3|spaargeld in gevaar=3|moet overschrijven=2.5|meter willen vervangen=2.5"
        "|zonder afspraak=2.5",
        "fr": "la police au telephone=3|epargne est en danger=3|doit la virer=2.5|changer le compteur=2.5"
        "|sans rendez vous=2.5",
        "en": "the police on the line=3|savings are at risk=3|must transfer them=2.5|replace the meter=2.5"
        "|without an appointment=2.5",
    },
}

# Twenty-fifth pass: from a twenty-third fresh holdout (footsteps downstairs at night, missing
# children home "safe and sound", "beware of people ringing").
TWENTYFIFTH: Lexicon = {
    "cat:burglary": {
        "nl": "voetstappen=2|gang beneden=2|horen voetstappen=3",
        "fr": "on entend des pas=3|entend des pas=3|hall en bas=2",
        "en": "footsteps=2|downstairs hallway=2|hear footsteps=3",
        "de": "schritte=2|unten in unserem flur=3|jemand ist unten=2",
    },
    "urg:alarm": {
        "nl": "horen voetstappen=3",
        "fr": "entend des pas=3",
        "en": "hear footsteps=3",
        "de": "horen schritte=3",
    },
    "non:resolved": {
        "nl": "gezond en wel=4|veilig thuis=4|veilig terug=4",
        "fr": "sain et sauf=4|saine et sauve=4|rentre sain=4",
        "en": "safe and sound=4|home safe=4",
        "de": "gesund nach hause=4|wohlbehalten=4",
    },
    "non:prevention": {
        "en": "beware of people=3|beware of=3",
        "nl": "opgepast voor=3",
    },
}

# Twenty-sixth pass: from a twenty-fourth fresh holdout (snatching from hands, hazards that "can
# fall any moment", a person about to jump, German "bricht .. auf", "all calm now"). Families,
# not sentences: each entry is written for all four languages where it makes sense.
TWENTYSIXTH: Lexicon = {
    "cat:robbery_or_violence": {
        "nl": "uit de handen=3|uit haar handen=3|uit zijn handen=3|uit de hand gerukt=3|rukt=1.5|rukken=1.5"
        "|afgepakt van=3|afgenomen van=3",
        "fr": "des mains=2.5|arrache .. des mains=3|arrache .. a une=3|arrache .. a un=3|lui arrache=3"
        "|lui a arrache=3|pris des mains=3",
        "en": "from a teenager=3|from a woman=3|from an elderly=3|from an old lady=3|from an old man=3"
        "|from a kid=3|from a child=3|from a girl=3|from a boy=3|grabbed .. from her=3|grabbed .. from his=3"
        "|grabbed .. from him=3"
        "|snatched .. from her=3|snatched .. from his=3|out of her hand=3"
        "|out of his hand=3|from her hands=3|ripped .. from=3",
        "de": "aus der hand=3|entrissen=3|reisst .. aus=3|weggerissen=3",
    },
    "cat:vandalism": {
        "nl": "insloeg*=3|ingeslagen=1.5|schoppen tegen=2|trappen tegen=2"
        "|met stenen=2.5|stenen gooien=3|gooien stenen=3|gooien met=2|bushokje*=1|vuilbak*=0.5",
        "fr": "jettent des pierres=3|jettent des cailloux=3|lancent des pierres=3|des pierres sur=2.5"
        "|des cailloux sur=2.5|coups de pied dans les=2|abribus=1|poubelles=0.5",
        "en": "throwing rocks=3|throwing stones=3|throw rocks=3|throw stones=3|rocks at=2.5|stones at=2.5"
        "|kicking the bins=2.5|kicking over=2.5|bus shelter=1",
        "de": "werfen steine=3|steine auf=2.5|wirft steine=3|tritt gegen=2|treten gegen=2|bushaltestelle=1",
    },
    "cat:burglary": {
        "nl": "klimt .. naar binnen=3|klimmen .. naar binnen=3|kruipt .. naar binnen=3|door de brievenbus=2.5"
        "|sleutels vissen=3|vissen .. sleutels=3|vissen ze=2",
        "fr": "grimpe a l interieur=3|grimpe dedans=3|entre par la fenetre=3|par la boite aux lettres=2.5"
        "|pecher les cles=3",
        "en": "climbed in=3|climbing in=3|climbs in=3|climbed inside=3|through the letterbox=2.5"
        "|through the letter box=2.5|fish .. keys=3",
        "de": "bricht .. auf=3|bricht jemand=2.5|fenster .. auf=2|brechen .. auf=3|aufgebrochen=3|aufbrechen=3"
        "|durch den briefkasten=2.5"
        "|erdgeschoss=0.5",
    },
    "cat:fire_or_hazard": {
        "nl": "elk moment vallen=3|kan vallen=2.5|dreigt te vallen=3|dreigt in te storten=3|instortingsgevaar=3"
        "|losgeslagen=1.5|loshangend*=2|afgebroken tak=3|tak hangt=3|grote tak=2|omgevallen boom=3"
        "|boom omgevallen=3|boom is omgevallen=3|boom dreigt=3|op de rijbaan=1",
        "fr": "risque de tomber=3|menace de tomber=3|va tomber=2.5|peut tomber=2.5|risque d effondrement=3"
        "|menace de s effondrer=3|branche .. pend=3|grosse branche=2.5|arbre tombe=3|arbre est tombe=3"
        "|arbre couche=3",
        "en": "could fall=3|may fall=2.5|about to fall=3|might fall=2.5|any moment=1|about to collapse=3"
        "|could collapse=3|branch hanging=3|hanging branch=3|large branch=2.5|fallen tree=3"
        "|tree came down=3|tree fell=3|tree down=3",
        "de": "konnte jederzeit fallen=3|droht zu fallen=3|ast hangt=3|umgesturzter baum=3|baum umgesturzt=3",
    },
    "urg:danger": {
        "nl": "elk moment=2|ieder moment=2|dreigt te vallen=2.5|kan vallen=2|wil springen=4|gaat springen=4"
        "|dreigt te springen=4|op de reling=3|over de reling=3|zelfmoord=3|zichzelf iets aandoen=4",
        "fr": "a tout moment=2|d un moment a l autre=2|risque de tomber=2.5|veut sauter=4|va sauter=4"
        "|menace de sauter=4|sur le parapet=3|sur la rambarde=3|suicid*=3|se faire du mal=3",
        "en": "any moment=2|any minute=2|could fall=2|about to fall=2.5|wants to jump=4|going to jump=4"
        "|about to jump=4|threatening to jump=4|on the railing=3|on the ledge=3|suicid*=3|hurt himself=3"
        "|hurt herself=3",
        "de": "jederzeit=2|will springen=4|droht zu springen=4|auf dem gelander=3|selbstmord=3",
    },
    "cat:other": {
        "nl": "wil springen=2|gaat springen=2|op de reling=1.5",
        "fr": "veut sauter=2|va sauter=2|sur le parapet=1.5",
        "en": "wants to jump=2|going to jump=2|about to jump=2|on the railing=1.5",
        "de": "will springen=2",
    },
    "cat:suspicious_vehicle": {
        "nl": "weggesleept=2.5|weggetakeld=2.5|takelwagen=1.5|achtergelaten auto=3|achtergelaten busje=3"
        "|verlaten auto=3",
        "fr": "remorquee=2.5|remorque=1.5|enlevee par la fourriere=3|fourriere=2|depanneuse=1.5"
        "|voiture abandonnee=3|camionnette abandonnee=3|vehicule abandonne=3",
        "en": "towed=2.5|tow truck=1.5|abandoned van=3|abandoned car=3|abandoned vehicle=3",
        "de": "abgeschleppt=2.5|abschleppwagen=1.5|verlassenes auto=3",
    },
    "non:calm": {
        "nl": "alles rustig nu=4|rustig nu=3|terug rustig=4|weer rustig=4|opnieuw rustig=4",
        "fr": "calme maintenant=4|c est calme=3|redevenu calme=4|tout est rentre dans l ordre=4",
        "en": "all calm now=4|all calm=4|calm now=4|quiet now=4|all quiet now=4|calmed down=3|back to normal=3",
        "de": "alles ruhig=4|jetzt ruhig=4|wieder ruhig=4",
    },
    "non:question": {
        "nl": "is dat die=2|is dat de=1.5|is dit die=2|is dit een=1.5|is dat een=1.5|bekende truc=2",
        "fr": "c est une arnaque non=2.5|est ce une arnaque=2.5|c est bien une=2",
        "en": "is this the=1.5|is that the=1.5|is this a scam=2.5|is that a scam=2.5|known trick=2",
        "de": "ist das die=1.5|ist das eine=1.5",
    },
    "urg:now": {
        "nl": "sinds vanochtend=3|sinds vanmorgen=3|sinds deze ochtend=3|al de hele ochtend=3|al heel de ochtend=3",
        "fr": "depuis ce matin=3|depuis tout a l heure=3|depuis cet apres midi=3",
        "en": "since this morning=3|all morning=2.5|since this afternoon=3",
        "de": "seit heute morgen=3|seit heute fruh=3|seit dem morgen=3",
    },
    "urg:flee": {
        "nl": "vertrekt richting=3|rijdt weg=3|gaat ervandoor=3|er vandoor=2.5",
        "fr": "repart en=3|repart vers=3|s en va vers=3|file vers=3|se sauve=3",
        "en": "takes off=2.5|rides off=3|drives off=3|walks off towards=3",
        "de": "fahrt davon=3|rennt davon=3|haut ab=3",
    },
}

# Twenty-seventh pass: from a twenty-fifth fresh holdout (long past-tense stories, SMS French,
# bike locks being cut, hit-and-run drivers, short stops at a dealer's house, falls and dog bites,
# fake bank staff at home). Families written for all four languages.
TWENTYSEVENTH: Lexicon = {
    "cat:burglary": {
        "nl": "binnengeraakt=3|binnengedrongen=3|alles overhoop=3|overhoop gehaald=3|badkamerraam*=1.5"
        "|iemand in huis=3|iemand in het huis=3|iemand in mijn huis=3|iemand in ons huis=3|lawaai beneden=2",
        "fr": "sont entres par=3|tout retourne=3|sens dessus dessous=3|qqn dans la maison=3"
        "|quelqu un dans la maison=3|qqn chez moi=3|quelqu un chez moi=3|bruit en bas=2|du bruit en bas=2.5",
        "en": "got in through=3|turned the place upside down=3|ransacked=3|someone in the house=3"
        "|someone in my house=3|someone in our house=3|noise downstairs=2|noises downstairs=2",
        "de": "eingestiegen=3|durchwuhlt=3|jemand im haus=3|gerausche unten=2",
    },
    "urg:presence": {
        "nl": "iemand in huis=3|iemand in het huis=3|iemand in mijn huis=3",
        "fr": "qqn dans la maison=3|quelqu un dans la maison=3|qqn chez moi=3|ya qqn=2|y a qqn=2",
        "en": "someone in the house=3|someone in my house=3",
        "de": "jemand im haus=3",
    },
    "urg:alarm": {
        "nl": "lawaai beneden=2.5|geluid beneden=2.5",
        "fr": "jentend du bruit=2.5|entend du bruit=2.5|bruit en bas=2",
        "en": "noise downstairs=2.5|noises downstairs=2.5",
        "de": "gerausche unten=2.5",
    },
    "cat:fire_or_hazard": {
        "en": "smell of smoke=3|smoke alarm=2.5|smoke detector=2.5",
        "de": "rauchgeruch=3|rauchmelder=2.5",
        "nl": "rooklucht=3|rookgeur=3|brandalarm=2.5|rookmelder=2.5|lichtje branden=0|licht laten branden=0"
        "|lichtje laten branden=0|lamp laten branden=0"
        "|licht branden=0",
        "fr": "laisser une lumiere allumee=0|odeur de fumee=3|detecteur de fumee=2.5|alarme incendie=2.5",
    },
    "cat:theft": {
        "nl": "losknippen=3|los te knippen=3|los aan het knippen=3|slot doorknippen=3|knipt .. slot=3"
        "|betonschaar=2.5|doorgezaagd=2",
        "fr": "coupe le cadenas=3|coupent le cadenas=3|scie le cadenas=3|cisaille=2.5|coupe l antivol=3",
        "en": "cutting the lock=3|cutting a lock=3|cutting through the lock=3|bolt cutter*=2.5|cut the lock=2.5",
        "de": "schloss aufknacken=3|schloss .. durchtrennen=3|bolzenschneider=2.5",
    },
    "cat:suspicious_vehicle": {
        "nl": "vluchtmisdrijf=3|reed .. weg=1.5|doorgereden=2.5|scheurde weg=2|met hoge snelheid=1.5",
        "fr": "delit de fuite=3|a pris la fuite en voiture=3|demarre en trombe=2.5|a toute vitesse=1.5",
        "en": "hit and run=3|hit and ran=3|drove off at speed=2.5|sped away=2|tore off=2",
        "de": "fahrerflucht=3|mit hoher geschwindigkeit=1.5",
    },
    "urg:flee": {
        "nl": "reed .. weg=3|reed net weg=3|scheurde weg=3|net weggereden=3|zijn net weg=2|is net weg=2",
        "fr": "demarre en trombe=3|vient de partir=2.5|vient de filer=3",
        "en": "sped away=3|tore off=3|just drove off=3|has just left=2.5",
        "de": "gerade weggefahren=3|davongerast=3",
    },
    "cat:drugs": {
        "nl": "korte bezoekjes=3|kort stoppen=2.5|minuten weer vertrekken=3|minuutje binnen=3|af en aan=2.5"
        "|komen en gaan=2",
        "fr": "va et vient=2.5|allers et venues=2.5|restent deux minutes=3|repartent aussitot=3|visites courtes=3",
        "en": "short visits=3|coming and going=2.5|stop for a minute=3|stay for two minutes=3|leave a minute later=3"
        "|minutes later they leave=3",
        "de": "kurze besuche=3|kommen und gehen=2.5",
    },
    "non:meta": {
        "nl": "bedankt .. hulp=3|bedankt .. zoeken=3|dank .. hulp=3",
        "fr": "merci .. aide=3|merci .. recherches=3",
        "en": "thanks .. help=3|thank you .. help=3|thanks .. search=3",
        "de": "danke .. hilfe=3",
    },
    "urg:danger": {
        "nl": "agressieve hond=2|loslopende hond=1.5|kan niet meer recht=3|kan niet meer opstaan=3"
        "|kan niet meer rechtstaan=3|kan niet meer=0.5"
        "|bewusteloos=3|onwel=3|gebeten=2|bijt=2",
        "fr": "chien agressif=2|chien sans maitre=1.5|ne peut plus se relever=3|peut plus se relever=3"
        "|ne peut plus=0.5|inconscient=3|malaise=3|mordu=2"
        "|mord=2",
        "en": "aggressive dog=2|loose dog=1.5|can t get up=3|cannot get up=3|can no longer=0.5|unconscious=3"
        "|collapsed=3|bitten=2|bit a=2",
        "de": "bissiger hund=2|kann nicht mehr aufstehen=3|kann nicht mehr=0.5|bewusstlos=3|gebissen=2",
    },
    "cat:other": {
        "nl": "gevallen op=2|is gevallen=2|onwel=3|bewusteloos=2|valt flauw=3|agressieve hond=3|loslopende hond=3"
        "|hond .. gebeten=3|gebeten=2",
        "fr": "tombe par terre=2|est tombe=2|fait un malaise=3|malaise=3|chien agressif=3|chien .. mordu=3"
        "|mordu=2|chien sans maitre=3",
        "en": "fell over=2|had a fall=3|has fallen=2|collapsed=3|aggressive dog=3|dog .. bit=3|bitten=2"
        "|loose dog=3|dangerous dog=3",
        "de": "gesturzt=2|bewusstlos=2|bissiger hund=3|gebissen=2",
    },
    "cat:fraud": {
        "nl": "bankbediende=3|bankkaart=1.5|bankkaarten=1.5|pincode=1.5|van de bank=2",
        "fr": "employe de banque=3|employee de banque=3|carte bancaire=1.5|cartes bancaires=1.5|code pin=1.5"
        "|de la banque=1.5",
        "en": "bank employee=3|from the bank=2|bank card*=1.5|pin code=1.5|pin number=1.5",
        "de": "bankmitarbeiter=3|bankkarte*=1.5|von der bank=2",
    },
    "cat:suspicious_activity": {
        "nl": "rondhing=2.5|hing rond=2.5|hingen rond=2.5",
        "fr": "traina*=2|rodai*=2.5",
        "en": "hung around=2.5|loitered=2.5|loitering=2.5",
        "de": "herumlungern=2.5|lungerte=2.5|lungert=2.5",
    },
}

# Twenty-eighth pass: from a twenty-sixth fresh holdout (metal thieves, people trying cars, a
# robber who "est parti en courant", a cardiac arrest, a cat up a tree, "pièce jointe").
TWENTYEIGHTH: Lexicon = {
    "cat:theft": {
        "nl": "koperdie*=3|kabeldie*=3|koperkabel*=2.5|lood van het dak=3|lood .. dak=2.5|kabels in=1.5",
        "fr": "voleurs de cuivre=3|vol de cuivre=3|vol de cables=3|plomb du toit=3|cables sur le chantier=2.5"
        "|cables du chantier=2.5",
        "en": "nicking=3|copper thie*=3|copper cable*=2.5|cable thie*=3|lead off the .. roof=3|lead off=2.5"
        "|lead from the .. roof=3|pinching=2.5",
        "de": "kupferdieb*=3|kupferkabel*=2.5|klaut=3|klauen=3|geklaut=3",
    },
    "cat:suspicious_activity": {
        "nl": "van verschillende huizen=2|breekijzer onder=3|koevoet=2|door onze tuinen=2.5"
        "|door de tuinen=2.5"
        "|in alle autos=3|in de autos=2|in autos=2|autodeuren=2.5|deurklinken=2.5|portieren=2"
        "|fotografeert=2.5|fotografeerde=2.5|neemt fotos=2.5|nam fotos=2.5|maakt fotos=2.5|maakte fotos=2.5",
        "fr": "de plusieurs maisons=2|pied de biche=2|dans les jardins=2"
        "|rentrer dans les voitures=3|dans les voitures=2"
        "|toutes les voitures=2|pris en photo=2.5|prend en photo=2.5|prenait en photo=2.5"
        "|fil de fer=2",
        "en": "of several houses=2|through the gardens=2.5"
        "|through our gardens=2.5|into cars=2|into all the cars=3|car doors=2.5"
        "|photographing=2.5|photographed=2.5|taking pictures of=2.5|took pictures of=2.5|took photos of=2.5"
        "|taking photos of=2.5",
        "de": "mehrerer hauser=2|brecheisen=2|durch die garten=2.5|in alle autos=3|turgriff*=3|probiert die turen=3"
        "|fotografiert=2.5",
    },
    "urg:flee": {
        "nl": "liep weg richting=3|is weggelopen richting=3|rende weg=3|liep weg naar=3",
        "fr": "est parti vers=3|parti en courant=3|est parti en direction=3|est parti a pied=3|s est enfui=3"
        "|s est sauve=3",
        "en": "ran off towards=3|ran off=2.5|went off towards=3|ran away towards=3|legged it=3",
        "de": "lief weg richtung=3|ist weggelaufen richtung=3|rannte weg=3",
    },
    "cat:burglary": {
        "nl": "dieven in de winkel=3|dieven in de zaak=3|dieven binnen=3",
        "fr": "voleurs dans la=3|voleurs dans le=3|voleurs dans les=3|voleurs a l interieur=3",
        "en": "thieves in the=3|thieves inside=3|burglars in the=3",
        "de": "diebe im=3|diebe in der=3",
    },
    "cat:other": {
        "nl": "vast in de boom=3|zit vast in=2|hartaanval=4|hartstilstand=4|reanimat*=3|defibrillator=3|aed=2",
        "fr": "coince dans l arbre=3|coince sur=2|arret cardiaque=4|crise cardiaque=4|reanim*=3|defibrillateur=3",
        "en": "stuck in a tree=3|stuck up a tree=3|heart attack=4|cardiac arrest=4|cpr=3|defibrillator=3",
        "de": "steckt .. fest=2|herzinfarkt=4|herzstillstand=4|wiederbeleb*=3|defibrillator=3",
    },
    "urg:danger": {
        "nl": "hartaanval=4|hartstilstand=4|reanimat*=3|defibrillator=2",
        "fr": "arret cardiaque=4|crise cardiaque=4|reanim*=3|defibrillateur=2",
        "en": "heart attack=4|cardiac arrest=4|cpr=3|defibrillator=2",
        "de": "herzinfarkt=4|herzstillstand=4|wiederbeleb*=3",
    },
    "ctx:vehicle": {
        "nl": "suv=2|jeep=2|pick up=2|pickup=2|quad=2|motorfiets=2|brommer=2",
        "fr": "suv=2|jeep=2|pick up=2|pickup=2|quad=2",
        "en": "suv=2|jeep=2|pick up=2|pickup truck=2|quad bike=2|hatchback=2|saloon=2|estate car=2",
        "de": "suv=2|gelandewagen=2|pickup=2",
    },
    "ctx:animal": {
        "nl": "hond uitlaten=0|hond aan het uitlaten=0|met de hond=0|hond uit te laten=0",
        "fr": "promener le chien=0|promenais le chien=0|avec le chien=0|avec mon chien=0",
        "en": "walking the dog=0|walking my dog=0|with the dog=0|with my dog=0",
        "de": "mit dem hund=0|hund ausfuhren=0",
    },
    "cat:drugs": {
        "fr": "piece jointe=0|pieces jointes=0|ci joint=0|ci jointe=0",
        "nl": "in bijlage=0",
    },
    "cat:fire_or_hazard": {
        "en": "gas meter*=0|gasmeter*=0",
        "nl": "gasmeter*=0|gasteller*=0",
        "fr": "compteur a gaz=0|compteurs a gaz=0|compteur de gaz=0|compteurs de gaz=0",
        "de": "gaszahler=0",
    },
}

# Twenty-ninth pass: from a twenty-seventh fresh holdout (loading things into vehicles, people
# crouching and watching, "ces dernières nuits", petitions, recycling points, French slang).
TWENTYNINTH: Lexicon = {
    "cat:theft": {
        "nl": "laden .. in een=2.5|laden .. in de=2.5|laadt .. in een=2.5|laadt .. in de=2.5|tuinmeubel*=1",
        "fr": "vol de=3|vols de=3|piquer=3|piquent=3|de piquer=3|a pique=2.5|ont pique=2.5|fauche*=2.5|chourav*=3"
        "|chargent .. dans=2.5|charge .. dans une=2.5|mobilier de jardin=1",
        "en": "loading .. into=2.5|loads .. into=2.5|garden furniture=1",
        "de": "laden .. in einen=2.5|ladt .. in einen=2.5|gartenmobel=1",
    },
    "cat:suspicious_activity": {
        "nl": "gehurkt=3|zit gehurkt=3|verstopt achter=3|verstopt zich=3|observeert=2|staat te kijken naar=2"
        "|houdt .. in de gaten=2",
        "fr": "accroupi=3|cache derriere=3|se cache=3|observe les=2|observe la=2|surveille les=2",
        "en": "crouching=3|hiding behind=3|crouched behind=3|watching the=2|keeping an eye on the=2",
        "de": "hockt=3|versteckt sich=3|beobachtet=2|in unsere fenster=3|in die fenster=2.5|fenster geschaut=3"
        "|durchs fenster=2.5",
    },
    "cat:vandalism": {
        "en": "parked cars=0.5",
    },
    "non:past": {
        "nl": "de voorbije nachten=3|de afgelopen nachten=3|afgelopen nachten=3|de laatste nachten=3"
        "|voorbije dagen=2.5|afgelopen dagen=2.5",
        "fr": "ces dernieres nuits=3|ces derniers jours=3|ces dernieres semaines=3|les nuits passees=3",
        "en": "the last few nights=3|the past few nights=3|in recent nights=3|the last few days=2.5"
        "|the past few days=2.5",
        "de": "in den letzten nachten=3|letzte nachte=3|in den letzten tagen=2.5",
    },
    "non:prevention": {
        "nl": "zet .. binnen=2|berg .. op=2",
        "fr": "rentrez ce qui=2.5|rentrez vos=2.5|mettez a l abri=2.5",
        "en": "bring in your=2.5|put away your=2.5|lock away=2.5",
        "de": "schliessen sie .. weg=2.5",
    },
    "non:future": {
        "nl": "het dealen=0|petitie=3|wie tekent mee=3|we gaan een=2|wij gaan een=2",
        "fr": "le deal=0|petition=3|qui signe=3|on va lancer=2|nous allons lancer=2",
        "en": "the dealing=0|petition=3|who will sign=3|we are starting a=2|we re starting a=2",
        "de": "das dealen=0|petition=3|unterschriften=3",
    },
    "non:duration": {
        "fr": "depuis un moment=0.5",
        "en": "for a while=0.5",
        "nl": "al een tijdje=0.5|sinds een tijdje=0.5",
    },
    "urg:presence": {
        "fr": "depuis un moment=1",
        "en": "been there a while=2|there a while=2|there for a while=2",
        "nl": "staat er al een tijdje=2|zit er al een tijdje=2",
    },
    "cat:other": {
        "nl": "containers voor glas=3|glascontainer*=3|glasbol*=3|containerpark=3|recyclagepark=3|afvalophaling=3",
        "fr": "bulle a verre=3|bulles a verre=3|parc a conteneurs=3|recyparc=3|collecte des dechets=3",
        "en": "bottle bank=3|glass containers=3|recycling park=3|recycling centre=3|bin collection=3",
        "de": "glascontainer=3|wertstoffhof=3|mullabfuhr=3",
    },
}

# Thirtieth pass: from a twenty-eighth fresh holdout (doors kicked in, fireworks thrown at
# windows, needles in a sandpit, "fausse alerte", "net gestolen" and a thief riding off).
THIRTIETH: Lexicon = {
    "cat:burglary": {
        "nl": "deur ingetrapt=3|deur ingestampt=3|deur opengebroken=3|breken de deur=3|forceren de deur=3"
        "|trappen de deur in=3",
        "fr": "porte defoncee=3|defonce la porte=3|defoncent la porte=3|cassent la porte=3|casse la porte=3"
        "|casser la porte=3|forcent la porte=3|pied de biche=2",
        "en": "door kicked in=3|kicked the door in=3|kicked in the door=3|breaking the door=3"
        "|breaking down the door=3|smashing the door=3",
        "de": "tur eingetreten=3|treten die tur ein=3|tur aufgebrochen=3|einbrecher im=3",
    },
    "urg:presence": {
        "nl": "licht is net aangegaan=3|licht gaat aan=2.5|eigenaars zijn weg=2|bewoners zijn weg=2"
        "|bewoners zijn op reis=2",
        "fr": "lumiere vient de s allumer=3|lumiere s allume=2.5|proprietaires sont absents=2|sont en vacances=1.5",
        "en": "light just went on=3|light just came on=3|owners are away=2|they re on holiday=1.5",
        "de": "licht ist gerade angegangen=3|besitzer sind weg=2",
    },
    "urg:flee": {
        "nl": "rijdt .. weg=3|loopt .. weg met=3|rent .. weg met=3|net gestolen=3|net gepikt=3|zonder te betalen=1.5",
        "fr": "vient d etre vole=3|vient d etre volee=3|part avec mon=3|part avec ma=3|descend a l arret=2.5",
        "en": "just been stolen=3|just stolen=3|rode off with=3|riding off with=3|chasing him=2.5|chasing her=2.5"
        "|walking out .. without paying=2.5",
        "de": "gerade gestohlen=3|fahrt .. weg=3",
    },
    "cat:vandalism": {
        "nl": "vuurwerk naar=3|vuurwerk tegen=3|vuurwerk in de brievenbus=3|opgeblazen=2.5|vuurwerk op=2",
        "fr": "petards sur=3|petards contre=3|feux d artifice sur=3|fusees sur=3|fait exploser=2.5",
        "en": "fireworks at=3|fireworks into=3|fireworks through=3|blown up=2.5|blew up=2.5",
        "de": "feuerwerk auf=3|bollern auf=3|gesprengt=2.5",
    },
    "cat:drugs": {
        "nl": "een spuit=3|zit te spuiten=3|spuit in de zandbak=3|spuiten zich=3",
        "fr": "se pique=3|se shoote=3|une seringue=3",
        "en": "a needle=3|shooting up=3|injecting=3",
        "de": "spritze=3|spritzt sich=3",
    },
    "cat:fraud": {
        "nl": "vals alarm=0",
        "fr": "fausse alerte=0|fausse alarme=0",
        "en": "false alarm=0",
        "de": "falscher alarm=0|fehlalarm=0",
    },
    "cat:missing_person": {
        "nl": "was bij een vriendin=3|was bij een vriend=3|bij een vriendinnetje=3|bij vrienden=2",
        "fr": "etait chez une copine=3|etait chez un copain=3|chez une amie=2|chez un ami=2|chez des amis=2",
        "en": "was at a friend s=3|at a friend s house=3|at a friend s place=3|missing student=3",
        "de": "war bei einer freundin=3|bei einem freund=2|vermisste junge=3|vermisste madchen=3",
    },
    "non:question": {
        "nl": "nog nieuws over=2.5|nieuws over=2|is er nieuws=2.5",
        "fr": "des nouvelles de=2.5|du nouveau pour=2.5|du nouveau concernant=2.5",
        "en": "any news about=2.5|any news on=2.5|any update on=2.5",
        "de": "neuigkeiten uber=2.5|gibt es neues=2.5",
    },
    "ctx:person": {
        "nl": "student=2|studente=2|leerling=2|scholier=2",
        "fr": "etudiant=2|etudiante=2|eleve=2|lyceen=2|lyceenne=2|la petite=1",
        "en": "student=2|pupil=2|schoolboy=2|schoolgirl=2",
        "de": "student=2|studentin=2|schuler=2|schulerin=2|junge=2",
    },
    "cat:fire_or_hazard": {
        "en": "gas company=0|gas board=0|gas works=1",
        "nl": "gasmaatschappij=0|van de gas=0",
        "fr": "societe de gaz=0",
    },
    "cat:suspicious_activity": {
        "nl": "proberen de deuren=3|probeert de deuren=3|probeert deuren=3|deur na deur=2",
        "fr": "essayent les portes=3|essaient les portes=3|essaie les portes=3|une par une=1.5",
        "en": "trying the doors=3|try the doors=3|one by one=1.5",
        "de": "probieren die turen=3|probiert die turen=3|eine nach der anderen=1.5",
    },
    "cat:robbery_or_violence": {
        "de": "zusammengeschlagen=3|zusammenschlagen=3|verprugelt=3|prugeln=3|prugelei=3",
    },
    "urg:progress": {
        "de": "wird gerade=3|werden gerade=3",
    },
    "non:prevention": {
        "nl": "klik niet=3|niet klikken=3|niet op klikken=3|klik nooit=3",
        "fr": "ne cliquez pas=3|ne cliquez jamais=3|ne pas cliquer=3",
        "en": "dont click=3|don t click=3|do not click=3|never click=3|careful=2",
        "de": "nicht klicken=3|klicken sie nicht=3",
    },
    "ctx:vehicle": {
        "nl": "camper=2|mobilhome=2|caravan=2",
        "fr": "camping car=2|caravane=2",
        "en": "camper=2|caravan=2|motorhome=2|estate car=2",
        "de": "wohnmobil=2|wohnwagen=2|kennzeichen=1",
    },
}

# Thirty-first pass: from a twenty-ninth fresh holdout (tools that spark, distraction thefts in
# shops, leaning poles, people lying motionless, ice, THC vapes, "hoe lang moet je wachten").
THIRTYFIRST: Lexicon = {
    "cat:theft": {
        "nl": "weggehaald door=0|slijptol=3|slijpschijf=3|loopt weg met mijn=3|is weg met mijn=3",
        "fr": "enleve par=0|enlevee par=0|disqueuse=3|parti avec ma=3|parti avec mon=3|parti avec mes=3"
        "|part avec ma=3|part avec mon=3",
        "en": "been taken away=0|taken away by=0|angle grinder=3|siphoning fuel=3|fuel from=2|made off with=3"
        "|ran off with my=3|ran off with our=3",
        "de": "trennschleifer=3|flex=2|ist mit meiner=2.5|ist mit meinem=2.5",
    },
    "urg:flee": {
        "nl": "loopt weg met=3|rent weg met=3",
        "fr": "est parti avec=3|parti avec=3|court vers=3|courent vers=3",
        "en": "made off with=2|running off with=3",
        "de": "rennt weg=3|lauft weg=3",
    },
    "cat:other": {
        "nl": "ligt bewegingloos=3|in de berm=1.5|door het ijs=4|in het water gevallen=3|in het kanaal gevallen=3",
        "fr": "inanime=3|allonge par terre=2.5|tombe dans l eau=3|tombe a l eau=3|dans le canal=1.5",
        "en": "lying motionless=3|lying on the ground=2|fell through the ice=4|fell in the canal=3|in the water=1.5",
        "de": "ins eis eingebrochen=4|regungslos=3|ins wasser gefallen=3",
    },
    "urg:danger": {
        "nl": "door het ijs=4|in het water gevallen=3|in het kanaal gevallen=3",
        "fr": "tombe dans l eau=3|tombe a l eau=3|inanime=3",
        "en": "fell through the ice=4|fell in the canal=3",
        "de": "ins eis eingebrochen=4|ins wasser gefallen=3|regungslos=3",
    },
    "cat:burglary": {
        "nl": "hoor .. glas breken=3|glas breken bij=3",
        "fr": "entends casser=3|entend casser=3|casser une vitre chez=3|casse une vitre chez=3",
        "en": "hear glass breaking=3|hear .. glass smash=3|glass breaking next door=3",
        "de": "hebelt=3|aufhebeln=3|aufgehebelt=3|hore glas=3|ins eis eingebrochen=0",
    },
    "cat:fire_or_hazard": {
        "nl": "elektriciteitspaal=2.5|scheve paal=3|paal hangt scheef=3|hoogspanningskabel*=2.5|stroomkabel*=2.5",
        "fr": "poteau electrique=2.5|poteau penche=3|lignes electriques=2.5|cables electriques=2.5"
        "|ligne electrique=2.5",
        "en": "power line*=2.5|leaning pole=3|telegraph pole=2.5|electricity pole=2.5",
        "de": "strommast=2.5|stromleitung*=2.5",
    },
    "cat:drugs": {
        "nl": "thc=3|lachgas=3|lachgasballon*=3|vapes met=1.5",
        "fr": "thc=3|protoxyde=3|ballons de protoxyde=3|gaz hilarant=3",
        "en": "thc=3|nitrous=3|laughing gas=3|nos canisters=3",
        "de": "gedealt=3|dealen=3|dealer=3|lachgas=3|thc=3",
    },
    "cat:robbery_or_violence": {
        "fr": "a agresse=3|ont agresse=3|attaque le=2.5|attaque la=2.5|par le bras=2.5|entraine de force=3"
        "|traine de force=3",
        "en": "attacked=3|assaulted=3|drags=3|dragging=3|dragged=3|by the arm=2.5|by her arm=2.5",
        "de": "angegriffen=3|griff .. an=2.5|zerrt=3|schleppt .. mit=3",
        "nl": "aanviel=3|vielen .. aan=3|viel .. aan=2.5|trekt .. mee=3|aan haar arm=2.5|aan zijn arm=2.5|sleurt=3"
        "|meesleuren=3|meegesleurd=3",
    },
    "non:aftermath": {
        "nl": "veroordeeld=3|opgepakt=2.5|in de krant=2",
        "fr": "condamne=3|condamnee=3|dans le journal=2",
        "en": "convicted=3|sentenced=3|in the paper=2",
        "de": "verurteilt=3|in der zeitung=2",
    },
    "cat:fraud": {
        "nl": "afleiden=3|leiden .. af=3|achter de kassa=2|afleidingsmanoeuvre=3",
        "fr": "distraire=3|distraient=3|detourner l attention=3|derriere la caisse=2|derriere le comptoir=1.5",
        "en": "distract*=3|behind the till=2|behind the counter=1.5",
        "de": "ablenken=3|lenkt .. ab=3|lenken .. ab=3|hinter der kasse=2",
    },
    "cat:vandalism": {
        "nl": "afgeknakt=3|geknakt=3|omgeknakt=3|verf over=3|boompjes=1",
        "fr": "arbres casses=3|jeunes arbres=1.5|peinture sur=2.5|peinture partout=3",
        "en": "snapped=2.5|saplings=1.5|paint all over=3|dumped paint=3|poured paint=3",
        "de": "abgeknickt=3|farbe uber=3",
    },
    "non:question": {
        "nl": "hoe lang moet je=3|mag je=1.5|hoe moet ik=2",
        "fr": "combien de temps faut il=3|peut on=1.5|comment faire pour=2",
        "en": "how long do you have to=3|how long should=3|can you=1|how do i=2",
        "de": "wie lange muss man=3|darf man=1.5|wie kann ich=2",
    },
    "urg:progress": {
        "en": "going down=2|as we speak=3",
    },
    "ctx:vehicle": {
        "nl": "motor=1.5|motorfiets=2|brommer=2",
        "fr": "moto=2|motos=2|scooter=1.5",
        "en": "motorbike=2|motorcycle=2|moped=2",
        "de": "motorrad=2|moped=2",
    },
    "non:resolved": {
        "nl": "vervangen door=3|is vervangen=3|hersteld door=3",
        "fr": "remplace par=3|a ete remplace=3|repare par=3",
        "en": "replaced by=3|been replaced=3|repaired by=3",
        "de": "ersetzt=3|repariert=3",
    },
    "cat:suspicious_activity": {
        "nl": "is er niemand=2|en als je opendoet=2.5",
        "fr": "il n y a personne=1.5|sonne et s en va=3",
        "en": "every car door=3|each car door=3|nobody there when=2.5|ring the bell and run=3"
        "|rings the bell and runs=3",
        "de": "klingelt und=2|niemand da=1.5",
    },
}

# Thirty-second pass: from a thirtieth fresh holdout (days-long "bezig", talks and locksmiths
# that mention burglaries, cannabis farms, roof tiles thrown down, dead trees, people who no
# longer move, vehicles following a bus, chains cut at a bike shed, rattled doors).
THIRTYSECOND: Lexicon = {
    "cat:other": {
        "nl": "slotenmaker=3|infoavond=3|infosessie=3|presentatie over=3|beweegt niet meer=3|is gevallen in=2",
        "fr": "serrurier=3|seance d information=3|presentation sur=3|ne bouge plus=3|est tombee=2|tombee dans=2",
        "en": "locksmith=3|information evening=3|talk on=2|talk about=2|isn t moving=3|not moving=2.5",
        "de": "schlusseldienst=3|infoabend=3|vortrag=2|bewegt sich nicht=3",
    },
    "urg:danger": {
        "nl": "beweegt niet meer=3|reageert niet meer=3",
        "fr": "ne bouge plus=3|ne reagit plus=3",
        "en": "isn t moving=3|not moving=3|not responding=3",
        "de": "bewegt sich nicht=3|reagiert nicht=3",
    },
    "cat:drugs": {
        "nl": "cannabisplantage=3|wietplantage=3|plantage=2.5|wietkwekerij=3",
        "fr": "plantation de cannabis=3|culture de cannabis=3|plantation=2",
        "en": "cannabis farm=3|weed farm=3|grow house=3|cannabis factory=3",
        "de": "cannabisplantage=3|hanfplantage=3",
    },
    "cat:vandalism": {
        "nl": "gooien .. naar beneden=3|gooien dakpannen=3|dakpannen naar beneden=3",
        "fr": "jettent .. du toit=3|jettent des tuiles=3",
        "en": "throwing .. off the roof=3|throwing tiles=3",
        "de": "werfen .. herunter=3|werfen .. vom dach=3",
    },
    "cat:suspicious_activity": {
        "nl": "meten .. op=2|nemen maten=2.5|geruttel=2.5|rammelen aan=3|rammelt aan=3",
        "fr": "prennent des mesures=2.5|mesurent les=2.5|secoue la porte=3|secouait la porte=3",
        "en": "measuring the=2.5|rattled=3|rattling=3",
        "de": "geruttelt=3|ruttelt=3|ruttelte=3|vermisst die=2",
    },
    "cat:suspicious_vehicle": {
        "nl": "volgt de bus=3|volgt ons=2.5|volgt haar=2.5|volgt mij=2.5|rijdt achter .. aan=2.5",
        "fr": "suit le bus=3|suit la voiture=2.5|nous suit=2.5|la suit=2.5|me suit=2.5",
        "en": "following the bus=3|is following=2.5|following us=2.5|following her=2.5|following me=2.5",
        "de": "folgt dem bus=3|verfolgt uns=2.5|folgt uns=2.5|folgt ihr=2.5",
    },
    "cat:fire_or_hazard": {
        "nl": "dode boom=3|boom hangt over=3|hangt over onze=2|dakpannen=1",
        "fr": "arbre mort=3|qui penche au dessus=3|penche au dessus=3",
        "en": "dead tree=3|leaning over=2.5",
        "de": "toter baum=3|hangt uber=2",
    },
    "cat:burglary": {
        "nl": "over de achterpoort=2.5|over de omheining=2.5|het huis in=3|in het huis binnen=3",
        "fr": "entrer par le soupirail=3|par le soupirail=3|soupirail=2|dans la maison d en face=2",
        "en": "over the back fence=2.5|into the house=3|into the flat=3",
        "de": "ins haus=2.5|uber den zaun=2",
    },
    "non:meta": {
        "nl": "bij wie moet ik=2|wie moet ik contacteren=2|waar moet ik .. melden=2",
        "fr": "a qui s adresser=2|qui contacter=2|a qui dois je=2",
        "en": "who do i contact=2|who should i contact=2|who do i call about=2",
        "de": "an wen wende ich mich=2|wen soll ich anrufen=2",
    },
    "urg:presence": {
        "nl": "niemand thuis=2|zijn niet thuis=2|is niemand thuis=2",
        "fr": "personne a la maison=2|sont au travail=1.5|sont absents=2",
        "en": "nobody s home=2|nobody home=2|no one s home=2|no one home=2",
        "de": "niemand zu hause=2|niemand daheim=2",
    },
    "urg:flee": {
        "en": "just went over=3|just went into=3|just climbed=3",
        "nl": "klom net=3|kropen net=3",
        "fr": "vient d entrer=3|viennent d entrer=3",
        "de": "ist gerade .. geklettert=3",
    },
    "cat:theft": {
        "nl": "ketting doorknippen=3|ketting door=2.5|kniptang=2.5",
        "fr": "coupe la chaine=3|coupent la chaine=3|pince coupante=2.5",
        "en": "cutting through the chain=3|through the chain=2.5|cutters=2.5|stolen looking=0",
        "de": "kette durchtrennen=3|kette durch=2.5",
    },
}

# Thirty-third pass: from a thirty-first fresh holdout (Dutch "zitten ... te roken" as a
# progressive, confused grandmothers lost at a market, fake plumbers at home, cracks in walls,
# fire drills, cat flaps, German cellar windows and cut swings).
THIRTYTHIRD: Lexicon = {
    "non:past": {
        "de": "!war=0.5",
    },
    "cat:missing_person": {
        "nl": "weggeraakt=3|kwijtgeraakt=2.5|verloren gelopen=3|verdwaald=3|liet mijn hand los=3"
        "|uit het oog verloren=3",
        "fr": "s est perdue=3|s est perdu=3|egaree=3|egare=3|a lache ma main=3|perdu de vue=3",
        "en": "got lost=3|wandered off=3|lost her=2|lost him=2|let go of my hand=3|lost sight of=3",
        "de": "verlaufen=3|abhanden gekommen=2",
    },
    "ctx:person": {
        "nl": "kleine jongen=2|klein meisje=2|oma=2|opa=2|rollator=2|in de war=1.5",
        "fr": "mamie=2|papy=2|deambulateur=2|desorientee=2|desoriente=2",
        "en": "grandma=2|grandpa=2|nan=2|zimmer frame=2|walking frame=2|small boy=2|little boy=2|small girl=2"
        "|little girl=2",
        "de": "oma=2|opa=2|rollator=2",
    },
    "non:question": {
        "nl": "weet iemand of=2",
        "fr": "quelqu un sait si=2",
        "en": "any idea if=2|any idea whether=2",
        "de": "weiss jemand ob=2",
    },
    "cat:burglary": {
        "nl": "zijn binnen bij=3|is binnen bij=3|zijn binnen in=3|kattenluik=2|bij de juwelier=1.5|in de winkel=1",
        "fr": "fracturer=3|fracturent=3|fracture la porte=3|chez le bijoutier=1.5|dans la bijouterie=1.5",
        "en": "cat flap=2|are inside the=3|is inside the=3|at the jeweller s=1.5|in the jeweller s=1.5",
        "de": "kellerfenster=2|durch das kellerfenster=3|steigen gerade=2.5|steigt gerade=2.5|katzenklappe=2",
    },
    "urg:presence": {
        "nl": "is bij mijn moeder=2.5|is bij mijn vader=2.5|is bij mijn oma=2.5|is nu bij=2.5",
        "fr": "est chez ma=2.5|est chez mon=2.5|sont chez ma=2.5|sont chez mon=2.5",
        "en": "is at my mum s=2.5|is at my mother s=2.5|is at my dad s=2.5|is inside my=2.5",
        "de": "ist bei meiner=2.5|ist bei meinem=2.5",
    },
    "cat:fire_or_hazard": {
        "nl": "barst in de muur=3|scheur in de muur=3|brokstukken vallen=3|evacuatieoefening=3|brandoefening=3",
        "fr": "fissure dans le mur=3|fissure=2|tombent sur le trottoir=3|exercice d evacuation=3|sirenes=1",
        "en": "huge crack=3|crack just appeared=3|crack in the wall=3|bits are falling=3|falling onto the=2"
        "|fire drill=3|evacuation drill=3|sirens=1",
        "de": "riss in der wand=3|brandschutzubung=3|feueralarmubung=3",
    },
    "cat:drugs": {
        "en": "huge crack=0|crack in the wall=0|crack just appeared=0",
    },
    "urg:danger": {
        "nl": "brokstukken vallen=3",
        "fr": "tombent sur le trottoir=3",
        "en": "bits are falling=3|falling onto the pavement=3",
    },
    "non:calm": {
        "nl": "maak je geen zorgen=3|wees niet ongerust=3",
        "fr": "ne vous inquietez pas=3|pas d inquietude=3",
        "en": "don t worry=3|do not worry=3|no need to worry=3",
        "de": "keine sorge=3|keine panik=3",
    },
    "cat:suspicious_activity": {
        "nl": "vraagt of .. hier woont=3|vroeg of .. hier woont=3",
        "fr": "demande si .. habite ici=3|demandait si .. habite=3",
        "en": "ask if .. lives here=3|asked if .. lives here=3|asking if .. lives here=3",
        "de": "fragt ob .. hier wohnt=3|fragte ob .. hier wohnt=3",
    },
    "cat:theft": {
        "nl": "onder hun jassen=3|onder haar jas=3",
        "fr": "sous son manteau=3|sous leurs manteaux=3|sous sa veste=3",
        "en": "under their coats=3|under his coat=3|under her coat=3|under their jackets=3",
        "de": "unter der jacke=3|unter ihren jacken=3",
    },
    "ctx:vehicle": {
        "nl": "sportauto=2|sportwagen=2|autosleutels=0|autosleutel=0",
        "fr": "berline=2|monospace=2|cles de voiture=0|cle de voiture=0",
        "en": "minivan=2|sports car=2|saloon=2|car keys=0|car key=0",
        "de": "sportwagen=2|limousine=2|autoschlussel=0",
    },
    "cat:vandalism": {
        "nl": "doorgesneden=2.5|stukgesneden=3",
        "fr": "lacerees=3|lacere=3|tailladees=3",
        "en": "cut up=2.5",
        "de": "zerschnitten=3|zerstochen=3|zerkratzt=3|beschmiert=3|zerstort=3",
    },
}

# Thirty-fourth pass: from a thirty-second fresh holdout, scored with the urgent threshold at 0.5
# (warnings, "what a shame", "the night before last", "all fine" must now say "not now" clearly).
THIRTYFOURTH: Lexicon = {
    "non:prevention": {
        "nl": "let op voor=3|pas op voor=3|oplichtingsalert=3|doen de ronde=2.5|is phishing=3|is oplichting=3",
        "fr": "alerte arnaque=3|mefiez vous=3|prudence=2.5|circulent=2.5|c est du hameconnage=3|hameconnage=2.5",
        "en": "scam alert=3|fraud alert=3|watch out for=3|going around=2.5|it s phishing=3|phishing=2",
        "de": "vorsicht=3|achtung vor=3|warnung=3|passen sie auf=3|gehen um=2.5|ist phishing=3",
    },
    "non:duration": {
        "nl": "derde keer dit jaar=3|derde keer deze maand=3|keer dit jaar=3",
        "fr": "troisieme fois cette annee=3|fois cette annee=3|fois ce mois ci=3",
        "en": "third time this year=3|time this year=3|time this month=3",
        "de": "mal dieses jahr=3|mal in diesem jahr=3",
    },
    "non:aftermath": {
        "nl": "jammer=2|zonde=2|spijtig=2",
        "fr": "dommage=2|quel dommage=2|c est triste=2",
        "en": "what a shame=2|such a shame=2|so sad=2|shame=1.5",
        "de": "schade=2|sehr schade=2",
    },
    "non:past": {
        "en": "the night before last=3|the day before yesterday=3",
        "fr": "avant hier=3|avant hier soir=3",
        "nl": "eergisteravond=3|eergisternacht=3",
        "de": "vorgestern abend=3",
    },
    "non:calm": {
        "en": "all fine=3|all good=3|nothing to worry about=3",
        "fr": "tout va bien=3|rien d inquietant=3",
        "nl": "alles in orde=3|niets aan de hand=3",
        "de": "alles gut=3|alles in ordnung=3",
    },
}

# Grammar cues: tense, as regular expressions over the folded text (label, tag, weight, language).
GRAMMAR: tuple[tuple[str, str, str, float, str], ...] = (
    (r"\b(?:is|are|s|re|am)\s+(?!worth\b|nothing\b)(?:\w+\s+)?\w{3,}ing\b", "progressive", "urg:progress", 1.5, "en"),
    # Headline style, no auxiliary, at the start of a sentence: "guy in a hoodie trying every car door".
    (r"(?:^|[.!;]\s*)(?:a\s+|the\s+|two\s+|three\s+|some\s+)?(?:guy|guys|man|men|woman|women|lads|kids|bloke"
     r"|teen|teens|boy|boys|girl|girls|couple|gang|youths)\s+(?:\w+\s+){0,4}?"
     r"(?!(?:during|morning|evening|nothing|something|anything|thing|building|ceiling)\b)\w{3,}ing\b",
     "headline_progressive", "urg:progress", 1.0, "en"),
    # An age ("van 91", "de 6 ans", "aged 12", "91-year-old") names a person.
    (r"\b(?:van|de|aged|age)\s+\d{1,2}\s*(?:jaar|j|ans|years?)?\b|\b\d{1,2}\s*(?:jaar|ans|years?|yo|jr)\b",
     "age", "ctx:person", 2.0, "*"),
    # Days-scale durations ("al vier dagen", "depuis quatre jours", "for four days"): a standing
    # situation, not something happening right now.
    (r"\b(?:al|sinds|depuis|for|seit|voor)\s+(?:\d+|een|a|une|ein|twee|drie|vier|vijf|zes|zeven|acht|tien|two|three|four|five|six"
     r"|seven|eight|ten|several|deux|trois|quatre|cinq|six|sept|huit|dix|plusieurs|zwei|drei|vier|funf"
     r"|een paar|enkele|a few|a couple of|quelques|einige|ein paar)\s+"
     r"(?:dag|dagen|week|weken|maand|maanden|jour|jours|semaine|semaines|mois|day|days|week|weeks|month|months"
     r"|tag|tagen|woche|wochen|monat|monaten)\b",
     "days_duration", "non:duration", 3.0, "*"),
    # Minutes-scale durations and "since <hour>": it started a moment ago and is still going on.
    (r"\b(?:al|sinds|since|for|depuis|seit|voor)\s+(?:een\s+|a\s+|une\s+|ein\s+)?(?:\d+|twee|drie|vijf|tien|twintig"
     r"|dertig|half|halfuur|kwartier|paar|two|three|five|ten|twenty|thirty|half|quarter|few|deux|trois|cinq|dix"
     r"|vingt|trente|demi|quart|quelques|zwei|drei|funf|zehn)?\s*(?:een\s+|an\s+|a\s+)?"
     r"(?:min|minuten|minuut|minutes|minute|mins|kwartier|uur|uurtje|hour|hours|heure|heures|h|u|pm|am|stunde)\b",
     "ongoing_minutes", "urg:now", 2.5, "*"),
    (r"\b(?:was|were|had|has been|have been|got)\s+(?:\w+\s+)?\w{3,}ed\b", "simple_past", "non:past", 1.0, "en"),
    (r"\b(?:is|zijn|zit|zitten|staat|staan|ligt|liggen|loopt|lopen)\s+(?:\w+\s+){0,9}aan het\s+\w+en\b",
     "aan_het", "urg:progress", 2.0, "nl"),
    # The time stated as now ("het is zondagnacht", "il est 3h du mat", "it's 3am"): it is happening now.
    (r"\b(?:het is|il est|it s|it is|es ist)\s+(?:\d{1,2}\s*(?:u|h|uur|am|pm|heures?)\b|middernacht|minuit|midnight"
     r"|\w*nacht\b|\w*nuit\b|\w*night\b)", "clock_now", "urg:now", 2.5, "*"),
    # Dutch "zitten/staan/liggen ... te <verb>": the other Dutch progressive ("zitten heroine te roken").
    (r"\b(?:zit|zitten|staat|staan|ligt|liggen|hangt|hangen)\s+(?:\w+\s+){0,6}?te\s+\w{2,}en\b",
     "te_progressive", "urg:progress", 2.0, "nl"),
    (r"\b(?:wordt|worden)\s+(?:\w+\s+){0,6}(?:ge\w{3,}(?:d|t|en)|\w+geslagen|\w+gebroken)\b", "passive_now",
     "urg:progress", 2.0, "nl"),
    (r"\b(?:is|zijn)\s+(?:\w+\s+){0,3}"
     r"(?!(?:gezicht|gebouw|gevel|geld|gezin|geluid|gebied|gesprek|geval|gedrag|gewicht|gereedschap|gevaar|gedacht"
     r"|gesloten|gelegen|geleden|geparkeerd|gekleed)\b)"
     r"(?:ge\w{3,}(?:d|t|en)|\w+gebroken|\w+gestolen|\w+geslagen|verdwenen|vernield|beschadigd)\b",
     "perfect_is", "non:past", 1.0, "nl"),
    (r"\b(?:was|were|has been|have been|got|had been)\s+(?:\w+\s+)?"
     r"(?:stolen|broken|taken|smashed|damaged|burgled|robbed|hit|left|seen|found|done|thrown|torn|cut|set)\b",
     "passive_past", "non:past", 1.0, "en"),
    # English simple past after a subject: "someone keyed my car", "they dumped paint".
    (r"\b(?:someone|somebody|they|we|i|he|she|vandals|kids|thieves|burglars|people|(?:my|our|his|her)\s+\w+)\s+"
     r"(?:\w+\s+)?(?!(?:need|seed|speed|feed|bleed|weed|red|bed|shed)\b)(?:\w{3,}ed|paid|said|broke|stole|took"
     r"|came|went|threw|told|sold|bought|lost)\b",
     "subject_past", "non:past", 1.0, "en"),
    (r"\b(?:werd|werden|heeft|hebben|had|hadden)\s+(?:\w+\s+){0,5}(?:\w{2,6})?ge\w{3,}(?:d|t|en)\b",
     "perfect", "non:past", 1.0, "nl"),
    (r"\b(?:a|ont|ai|avons|avez)\s+(?:ete\s+|deja\s+|bien\s+|tout\s+)?"
     r"(?!(?:pas|plus|encore|toujours|rien|jamais|une|des|deux|trois|peur|faim|besoin|envie|mal)\b)"
     r"\w{3,}(?:e|es|ee|ees|is|it|u|us)\b", "passe_compose",
     "non:past", 1.0, "fr"),
    (r"\b(?:wurde|wurden|hat|haben)\s+(?:\w+\s+){0,5}ge\w{3,}(?:t|en)\b", "perfekt", "non:past", 1.0, "de"),
)

GROUPS: tuple[Lexicon, ...] = (
    CATEGORIES, URGENT, NOT_URGENT, CONTEXT, FLAGS, TUNING, MORE, SWEEP, FOURTH, FIFTH, SIXTH, SEVENTH,
    EIGHTH, ACTORS, NINTH, TENTH, ELEVENTH, TWELFTH, THIRTEENTH, FOURTEENTH,
    FIFTEENTH, SIXTEENTH, SEVENTEENTH, PRESENT, EIGHTEENTH,
    NINETEENTH, TWENTIETH, TWENTYFIRST, TWENTYSECOND,
    TWENTYTHIRD, TWENTYFOURTH, TWENTYFIFTH, TWENTYSIXTH,
    TWENTYSEVENTH, TWENTYEIGHTH, TWENTYNINTH, THIRTIETH,
    THIRTYFIRST, THIRTYSECOND, THIRTYTHIRD,
    THIRTYFOURTH,
)
