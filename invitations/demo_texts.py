"""The text of circular CL-26/22 and its annex in the six UN languages, for the demo seed.

The Russian follows the Secretariat's published translation; the English is the language
the circular was written in; the other four are translations in the house style of the UN.
Links of the published circular are given as plain text.
"""

from __future__ import annotations

from datetime import date

REFERENCE = "CL-26/22"
ISSUED_ON = date(2026, 4, 23)
CONTACT_NAME = "Ms Sulyna Nur Abdullah"
CONTACT_EMAIL = "chief.spm@itu.int"
SIGNATORY_NAME = "Doreen Bogdan-Martin"
# The names as each language writes them; the Russian as CL-26/22 has them.
CONTACT_NAMES = {
    "ar": "السيدة سولينا نور عبد الله",
    "zh": "Sulyna Nur Abdullah女士",
    "en": "Ms Sulyna Nur Abdullah",
    "fr": "Mme Sulyna Nur Abdullah",
    "ru": "г-жа Сулина Нур Абдулла",
    "es": "Sra. Sulyna Nur Abdullah",
}
SIGNATORY_NAMES = {
    "ar": "دورين بوغدان-مارتن",
    "zh": "多琳·伯格丹-马丁",
    "ru": "Дорин Богдан-Мартин",
}

PLACE = {
    "ar": "جنيف",
    "zh": "日内瓦",
    "en": "Geneva",
    "fr": "Genève",
    "ru": "Женева",
    "es": "Ginebra",
}

SENDER_UNIT = {
    "ar": "الأمانة العامة (GS)",
    "zh": "总秘书处（GS）",
    "en": "General Secretariat (GS)",
    "fr": "Secrétariat général (SG)",
    "ru": "Генеральный секретариат (ГС)",
    "es": "Secretaría General (SG)",
}

ADDRESSED_TO = {
    "ar": "الدول الأعضاء في الاتحاد الدولي للاتصالات\nالبعثات الدائمة والسفارات في جنيف",
    "zh": "国际电联成员国\n驻日内瓦常驻代表团和使馆",
    "en": "Member States of ITU\nPermanent Missions and Embassies in Geneva",
    "fr": "États Membres de l'UIT\nMissions permanentes et ambassades à Genève",
    "ru": "Государствам – Членам МСЭ\nПостоянным представительствам и посольствам в Женеве",
    "es": "Estados Miembros de la UIT\nMisiones Permanentes y Embajadas en Ginebra",
}

SUBJECT = {
    "ar": "الحوار العالمي بشأن حوكمة الذكاء الاصطناعي، Palexpo، جنيف، سويسرا، 6-7 يوليو 2026",
    "zh": "人工智能治理全球对话，2026年7月6日至7日，瑞士日内瓦Palexpo",
    "en": "Global Dialogue on AI Governance, Palexpo, Geneva, Switzerland, 6–7 July 2026",
    "fr": "Dialogue mondial sur la gouvernance de l'IA, Palexpo, Genève (Suisse), 6-7 juillet 2026",
    "ru": (
        "Глобальный диалог по вопросам управления ИИ в Palexpo, Женева, Швейцария, "
        "6–7 июля 2026 года"
    ),
    "es": (
        "Diálogo Mundial sobre la Gobernanza de la IA, Palexpo, Ginebra (Suiza), "
        "6 y 7 de julio de 2026"
    ),
}

SALUTATION = {
    "ar": "حضرات السادة والسيدات،",
    "zh": "尊敬的先生/女士：",
    "en": "Dear Sir/Madam,",
    "fr": "Madame, Monsieur,",
    "ru": "Уважаемая госпожа,\nуважаемый господин,",
    "es": "Muy Señora mía/Muy Señor mío:",
}

BODY = {
    "en": """\
I have the honour to inform you that the Secretary-General of the United Nations has \
extended formal invitations to Heads of State and Government to participate in the first \
Global Dialogue on AI Governance, convened pursuant to United Nations General Assembly \
resolution 79/325 of 26 August 2025, to be held at the Palexpo exhibition and congress \
centre in Geneva, Switzerland, on 6 and 7 July 2026.

The Global Dialogue on AI Governance, co-chaired by the Permanent Representatives of \
El Salvador and the Republic of Estonia to the United Nations in New York, will take \
place immediately before the AI for Good Global Summit 2026, to be held at Palexpo from \
7 to 10 July 2026 (the letter of invitation is available at aiforgood.itu.int/summit26). \
This landmark event will lay a solid foundation for broader global cooperation on AI, \
making Geneva the leading venue where governments, civil society, the private sector, \
academia and the technical community can shape a common approach to AI.

ITU is honoured to coordinate this Dialogue together with UNESCO as part of a joint \
secretariat that also includes the Office for Digital and Emerging Technologies and the \
Executive Office of the United Nations Secretary-General.

The Global Dialogue on AI Governance will serve as a platform for Member States and all \
relevant stakeholders to discuss international cooperation, share best practices and \
lessons learned, and facilitate open, transparent and inclusive discussions on AI \
governance.

In this regard, I have the honour to bring to your attention the official letter of \
invitation issued by the Secretary-General of the United Nations, the full text of which \
is annexed to this letter.

I hope that your delegation will take part in the high-level discussions and networking \
events to be held in Geneva on the above dates. The programme will offer Heads of State \
and Government a unique opportunity to address the participants, and senior government \
officials the opportunity to contribute to thematic panel discussions. Furthermore, \
should your country or organization wish to support the Dialogue by contributing to the \
costs of its organization, please contact us at chief.spm@itu.int. To facilitate the \
preparations for the event, we would be grateful if you would inform us of your interest \
in participating at your earliest convenience.

Any further information required may be obtained by writing to:
ai.dialogue@itu.int.""",
    "ru": """\
Имею честь сообщить вам, что Генеральный секретарь Организации Объединенных Наций \
направил официальные приглашения главам государств и правительств с предложением \
принять участие в первом Глобальном диалоге по вопросам управления ИИ, созываемом \
в соответствии с резолюцией 79/325 Генеральной Ассамблеи Организации Объединенных Наций \
от 26 августа 2025 года в Международном центре выставок и конференций Palexpo в Женеве, \
Швейцария, 6 и 7 июля 2026 года.

Глобальный диалог по вопросам управления ИИ, сопредседателями которого являются \
постоянные представители Сальвадора и Эстонской Республики при Организации \
Объединенных Наций в Нью-Йорке, пройдет непосредственно перед Глобальным саммитом \
«ИИ во благо» 2026 года, который состоится 7–10 июля 2026 года в Palexpo (пригласительное \
письмо размещено по адресу: aiforgood.itu.int/summit26). Это знаковое событие позволит \
заложить прочную основу для расширения глобального сотрудничества в области ИИ, \
превратив Женеву в главную площадку, в рамках которой правительства, гражданское \
общество, частный сектор, академические организации и техническое сообщество могут \
формировать общий подход к ИИ.

МСЭ имеет честь координировать проведение этого Диалога совместно с ЮНЕСКО в рамках \
объединенного секретариата, в состав которого также входят Управление по цифровым и \
новым технологиям и Канцелярия Генерального секретаря ООН.

Глобальный диалог по вопросам управления ИИ станет платформой для обсуждения \
государствами-членами и всеми соответствующими заинтересованными сторонами вопросов \
международного сотрудничества, обмена передовым опытом и извлеченными уроками, а также \
содействия открытым, прозрачным и всесторонним дискуссиям по вопросам управления ИИ.

В связи с этим имею честь представить для вашего сведения официальное пригласительное \
письмо, направленное Генеральным секретарем Организации Объединенных Наций. Полный текст \
письма прилагается к настоящему сообщению.

Надеюсь, что ваша делегация примет участие в обсуждениях высокого уровня и мероприятиях \
по установлению контактов, которые состоятся в Женеве в указанные выше сроки. В рамках \
программы главам государств и правительств будет предоставлена уникальная возможность \
выступить перед участниками, а высокопоставленным представителям правительств – внести \
свой вклад в тематические групповые обсуждения. Кроме того, если ваша страна или \
организация желает поддержать проведение Диалога, внося свой вклад в покрытие расходов \
на его организацию, просим обращаться к нам по адресу chief.spm@itu.int. В целях \
содействия подготовке мероприятия просим сообщить нам о вашей заинтересованности \
в участии в ближайшее удобное для вас время.

Любую необходимую дополнительную информацию можно получить, написав по адресу:
ai.dialogue@itu.int.""",
    "fr": """\
J'ai l'honneur de vous informer que le Secrétaire général de l'Organisation des \
Nations Unies a adressé des invitations officielles aux chefs d'État et de gouvernement \
afin qu'ils participent au premier Dialogue mondial sur la gouvernance de l'IA, convoqué \
en application de la résolution 79/325 de l'Assemblée générale des Nations Unies \
du 26 août 2025, qui se tiendra au centre d'expositions et de congrès Palexpo, à Genève \
(Suisse), les 6 et 7 juillet 2026.

Le Dialogue mondial sur la gouvernance de l'IA, coprésidé par les Représentants \
permanents d'El Salvador et de la République d'Estonie auprès de l'Organisation des \
Nations Unies à New York, se tiendra immédiatement avant le Sommet mondial « L'IA au \
service du bien social » 2026, qui aura lieu à Palexpo du 7 au 10 juillet 2026 (la lettre \
d'invitation est disponible à l'adresse aiforgood.itu.int/summit26). Cette manifestation \
marquante jettera des bases solides pour renforcer la coopération mondiale dans le \
domaine de l'IA et fera de Genève le principal lieu où les gouvernements, la société \
civile, le secteur privé, les milieux universitaires et la communauté technique \
pourront définir une approche commune de l'IA.

L'UIT a l'honneur de coordonner ce Dialogue avec l'UNESCO, dans le cadre d'un \
secrétariat conjoint qui comprend également le Bureau des technologies numériques et \
émergentes et le Cabinet du Secrétaire général de l'Organisation des Nations Unies.

Le Dialogue mondial sur la gouvernance de l'IA offrira aux États Membres et à toutes \
les parties prenantes concernées une plate-forme pour examiner la coopération \
internationale, échanger des bonnes pratiques et des enseignements tirés de \
l'expérience et favoriser des discussions ouvertes, transparentes et inclusives sur la \
gouvernance de l'IA.

À cet égard, j'ai l'honneur de porter à votre connaissance la lettre d'invitation \
officielle adressée par le Secrétaire général de l'Organisation des Nations Unies, dont \
le texte intégral figure en annexe à la présente lettre.

J'espère que votre délégation participera aux débats de haut niveau et aux activités de \
réseautage qui se tiendront à Genève aux dates susmentionnées. Le programme offrira aux \
chefs d'État et de gouvernement une occasion unique de s'adresser aux participants, et \
aux hauts responsables gouvernementaux la possibilité de contribuer aux tables rondes \
thématiques. En outre, si votre pays ou votre organisation souhaite soutenir le Dialogue \
en contribuant aux frais de son organisation, nous vous invitons à nous contacter à \
l'adresse chief.spm@itu.int. Afin de faciliter la préparation de la manifestation, nous \
vous saurions gré de bien vouloir nous faire part de votre intérêt à y participer dans \
les meilleurs délais.

Pour tout complément d'information, veuillez écrire à l'adresse suivante:
ai.dialogue@itu.int.""",
    "es": """\
Tengo el honor de informarle de que el Secretario General de las Naciones Unidas ha \
cursado invitaciones oficiales a los Jefes de Estado y de Gobierno para que participen \
en el primer Diálogo Mundial sobre la Gobernanza de la IA, convocado de conformidad con \
la resolución 79/325 de la Asamblea General de las Naciones Unidas, de 26 de agosto \
de 2025, que se celebrará en el centro de exposiciones y congresos Palexpo de Ginebra \
(Suiza) los días 6 y 7 de julio de 2026.

El Diálogo Mundial sobre la Gobernanza de la IA, copresidido por los Representantes \
Permanentes de El Salvador y de la República de Estonia ante las Naciones Unidas en \
Nueva York, tendrá lugar inmediatamente antes de la Cumbre Mundial «IA para el Bien» 2026, \
que se celebrará en Palexpo del 7 al 10 de julio de 2026 (la carta de invitación puede \
consultarse en aiforgood.itu.int/summit26). Este acontecimiento histórico sentará una \
base sólida para ampliar la cooperación mundial en materia de IA y hará de Ginebra el \
principal foro en el que los gobiernos, la sociedad civil, el sector privado, el mundo \
académico y la comunidad técnica puedan definir un enfoque común de la IA.

La UIT tiene el honor de coordinar este Diálogo junto con la UNESCO en el marco de una \
secretaría conjunta de la que también forman parte la Oficina de Tecnologías Digitales \
y Emergentes y la Oficina Ejecutiva del Secretario General de las Naciones Unidas.

El Diálogo Mundial sobre la Gobernanza de la IA servirá de plataforma para que los \
Estados Miembros y todas las partes interesadas pertinentes debatan sobre la \
cooperación internacional, intercambien prácticas óptimas y enseñanzas extraídas y \
promuevan debates abiertos, transparentes e inclusivos sobre la gobernanza de la IA.

A este respecto, tengo el honor de transmitirle, para su información, la carta de \
invitación oficial enviada por el Secretario General de las Naciones Unidas, cuyo texto \
íntegro figura en el anexo a la presente carta.

Espero que su delegación participe en los debates de alto nivel y en las actividades \
de establecimiento de contactos que tendrán lugar en Ginebra en las fechas antes \
mencionadas. El programa brindará a los Jefes de Estado y de Gobierno una oportunidad \
única de dirigirse a los participantes, y a los altos funcionarios gubernamentales la \
posibilidad de contribuir a los paneles temáticos. Además, si su país u organización \
desea apoyar el Diálogo contribuyendo a sufragar los gastos de su organización, le \
rogamos se ponga en contacto con nosotros en la dirección chief.spm@itu.int. A fin de \
facilitar los preparativos del evento, le agradeceríamos que nos comunicara su interés \
en participar a la mayor brevedad posible.

Puede obtenerse toda información adicional que se precise escribiendo a:
ai.dialogue@itu.int.""",
    "zh": """\
谨通知贵方，联合国秘书长已向各国国家元首和政府首脑发出正式邀请，请其出席根据2025年8月26日\
联合国大会第79/325号决议召开的首届人工智能治理全球对话。对话将于2026年7月6日至7日在瑞士日内瓦\
Palexpo展览和会议中心举行。

人工智能治理全球对话由萨尔瓦多常驻纽约联合国代表和爱沙尼亚共和国常驻纽约联合国代表共同主持，\
将紧接在2026年7月7日至10日于Palexpo举行的2026年人工智能向善全球峰会之前举行（邀请函见\
aiforgood.itu.int/summit26）。这一标志性活动将为扩大人工智能领域的全球合作奠定坚实基础，\
使日内瓦成为各国政府、民间社会、私营部门、学术界和技术界共同制定人工智能通用方针的主要平台。

国际电联荣幸地与联合国教科文组织共同协调本次对话的筹办工作，双方组成联合秘书处，\
其成员还包括联合国数字和新兴技术厅以及联合国秘书长办公厅。

人工智能治理全球对话将为会员国和所有相关利益攸关方提供一个平台，用以讨论国际合作、\
分享最佳做法和经验教训，并促进就人工智能治理开展公开、透明和包容的讨论。

为此，谨向贵方转交联合国秘书长发出的正式邀请函，供贵方参阅。邀请函全文载于本函附件。

希望贵国代表团参加将于上述日期在日内瓦举行的高级别讨论和交流活动。会议议程将为国家元首和\
政府首脑提供在会上发言的独特机会，并为政府高级官员提供参与专题小组讨论的机会。此外，如贵国或\
贵组织愿意通过分担对话的组织费用来支持本次对话，请通过chief.spm@itu.int与我们联系。\
为便于筹备工作，请贵方尽早告知参会意向。

如需任何其他信息，请致函：
ai.dialogue@itu.int。""",
    "ar": """\
يشرفني أن أحيطكم علماً بأن الأمين العام للأمم المتحدة قد وجّه دعوات رسمية إلى رؤساء الدول \
والحكومات للمشاركة في الحوار العالمي الأول بشأن حوكمة الذكاء الاصطناعي، المعقود عملاً بقرار \
الجمعية العامة للأمم المتحدة 79/325 المؤرخ 26 أغسطس 2025، والذي سيُعقد في مركز Palexpo \
للمعارض والمؤتمرات في جنيف، سويسرا، يومي 6 و7 يوليو 2026.

وسيُعقد الحوار العالمي بشأن حوكمة الذكاء الاصطناعي، الذي يشارك في رئاسته الممثلان الدائمان \
للسلفادور وجمهورية إستونيا لدى الأمم المتحدة في نيويورك، مباشرةً قبل القمة العالمية للذكاء \
الاصطناعي من أجل الصالح العام لعام 2026، التي ستُعقد في Palexpo في الفترة من 7 إلى 10 يوليو 2026 \
(رسالة الدعوة متاحة في الموقع aiforgood.itu.int/summit26). وسيُرسي هذا الحدث البارز أساساً \
متيناً لتوسيع نطاق التعاون العالمي في مجال الذكاء الاصطناعي، بما يجعل من جنيف المحفل الرئيسي \
الذي يمكن فيه للحكومات والمجتمع المدني والقطاع الخاص والأوساط الأكاديمية والمجتمع التقني \
صياغة نهج مشترك إزاء الذكاء الاصطناعي.

ويتشرف الاتحاد الدولي للاتصالات بتنسيق هذا الحوار بالاشتراك مع اليونسكو في إطار أمانة مشتركة \
تضم أيضاً مكتب التكنولوجيات الرقمية والناشئة والمكتب التنفيذي للأمين العام للأمم المتحدة.

وسيشكّل الحوار العالمي بشأن حوكمة الذكاء الاصطناعي منبراً للدول الأعضاء وجميع أصحاب المصلحة \
المعنيين لمناقشة التعاون الدولي وتبادل أفضل الممارسات والدروس المستفادة وتيسير إجراء مناقشات \
مفتوحة وشفافة وشاملة بشأن حوكمة الذكاء الاصطناعي.

وفي هذا الصدد، يشرفني أن أحيل إليكم، للعلم، رسالة الدعوة الرسمية الموجّهة من الأمين العام \
للأمم المتحدة، ويرد نصها الكامل في ملحق هذه الرسالة.

وآمل أن يشارك وفدكم في المناقشات الرفيعة المستوى وأنشطة التواصل التي ستُعقد في جنيف في \
التاريخين المذكورين أعلاه. وسيتيح البرنامج لرؤساء الدول والحكومات فرصة فريدة لمخاطبة المشاركين، \
ولكبار المسؤولين الحكوميين فرصة الإسهام في حلقات النقاش المواضيعية. وعلاوةً على ذلك، إذا رغب \
بلدكم أو منظمتكم في دعم الحوار بالمساهمة في تغطية تكاليف تنظيمه، يُرجى الاتصال بنا على العنوان \
chief.spm@itu.int. وتيسيراً للأعمال التحضيرية للحدث، نرجو التكرم بإبلاغنا باهتمامكم بالمشاركة \
في أقرب وقت ممكن.

ويمكن الحصول على أي معلومات إضافية لازمة بالكتابة إلى العنوان التالي:
ai.dialogue@itu.int.""",
}

CLOSING = {
    "ar": "وتفضلوا بقبول فائق التقدير والاحترام.",
    "zh": "顺致敬意！",
    "en": "Yours faithfully,",
    "fr": "Veuillez agréer, Madame, Monsieur, l'assurance de ma haute considération.",
    "ru": "С уважением,",
    "es": "Atentamente,",
}

SIGNATORY_TITLE = {
    "ar": "الأمينة العامة",
    "zh": "秘书长",
    "en": "Secretary-General",
    "fr": "Secrétaire générale",
    "ru": "Генеральный секретарь",
    "es": "Secretaria General",
}

ANNEX_TITLE = {
    "ar": "الملحق",
    "zh": "附件",
    "en": "Annex",
    "fr": "Annexe",
    "ru": "Приложение",
    "es": "Anexo",
}

ANNEX_BODY = {
    "en": """\
THE SECRETARY-GENERAL

26 February 2026

Excellency,

I have the honour to invite you to participate in the first Global Dialogue on \
Artificial Intelligence (AI) Governance, convened pursuant to General Assembly \
resolution 79/325 of 26 August 2025.

The Global Dialogue on AI Governance, co-chaired by the Permanent Representatives of \
El Salvador and the Republic of Estonia to the United Nations in New York, will be held \
in Geneva, Switzerland, on 6 and 7 July 2026 at the Palexpo exhibition and congress \
centre, back to back with the AI for Good Global Summit.

The Global Dialogue on AI Governance will serve as a platform for Member States and all \
relevant stakeholders to discuss international cooperation, share best practices and \
lessons learned, and facilitate open, transparent and inclusive discussions on AI \
governance, with a view to advancing the Sustainable Development Goals and bridging \
digital divides between and within countries.

In the Pact for the Future, adopted on 22 September 2024, Member States reaffirmed their \
commitment to harnessing the benefits of digital technologies and strengthening \
international cooperation to address emerging risks. The Global Digital Compact, annexed \
to the Pact, gives effect to that commitment by providing for the establishment of a \
multidisciplinary Independent International Scientific Panel on AI and the launch of \
a Global Dialogue on AI Governance.

I hope that the Dialogue will be a historic milestone on the path towards truly global, \
inclusive and effective cooperation on the governance of artificial intelligence. \
I count on your active engagement to ensure its success.

Please accept, Excellency, the assurances of my highest consideration.

(Signed) António Guterres""",
    "ru": """\
ГЕНЕРАЛЬНЫЙ СЕКРЕТАРЬ

26 февраля 2026 года

Ваше Превосходительство,

Имею честь пригласить вас принять участие в первом Глобальном диалоге по вопросам \
управления искусственным интеллектом (ИИ), созываемом в соответствии с резолюцией 79/325 \
Генеральной Ассамблеи Организации Объединенных Наций от 26 августа 2025 года.

Глобальный диалог по вопросам управления ИИ, сопредседателями которого являются \
постоянные представители Сальвадора и Эстонской Республики при Организации \
Объединенных Наций в Нью-Йорке, пройдет в Женеве, Швейцария, 6–7 июля 2026 года \
в Международном центре выставок и конференций Palexpo и будет приурочен к проведению \
Глобального саммита «ИИ во благо».

Глобальный диалог по вопросам управления ИИ станет платформой для обсуждения \
государствами-членами и всеми соответствующими заинтересованными сторонами вопросов \
международного сотрудничества, обмена передовым опытом и извлеченными уроками, а также \
содействия открытым, прозрачным и всесторонним дискуссиям по вопросам управления ИИ \
в целях содействия достижению Целей в области устойчивого развития и преодоления \
цифрового разрыва между странами и внутри них.

В Пакте во имя будущего, принятом 22 сентября 2024 года, государства-члены подтвердили \
свою приверженность использованию преимуществ цифровых технологий и укреплению \
международного сотрудничества для противодействия возникающим рискам. Глобальный \
цифровой договор, являющийся приложением к Пакту, воплощает эту приверженность в жизнь, \
предлагая учредить междисциплинарную Независимую международную научную группу по ИИ \
и инициировать Глобальный диалог по вопросам управления ИИ.

Надеюсь, что этот Диалог станет исторической вехой на пути к действительно глобальному, \
инклюзивному и эффективному сотрудничеству в области управления искусственным \
интеллектом. Рассчитываю на ваше активное участие в обеспечении успешного проведения \
Диалога.

Примите, Ваше Превосходительство, заверения в моем самом высоком уважении.

(оригинал подписан)
Антониу Гутерриш""",
    "fr": """\
LE SECRÉTAIRE GÉNÉRAL

Le 26 février 2026

Excellence,

J'ai l'honneur de vous inviter à participer au premier Dialogue mondial sur la \
gouvernance de l'intelligence artificielle (IA), convoqué en application de la \
résolution 79/325 de l'Assemblée générale en date du 26 août 2025.

Le Dialogue mondial sur la gouvernance de l'IA, coprésidé par les Représentants \
permanents d'El Salvador et de la République d'Estonie auprès de l'Organisation des \
Nations Unies à New York, se tiendra à Genève (Suisse) les 6 et 7 juillet 2026, au \
centre d'expositions et de congrès Palexpo, juste avant le Sommet mondial « L'IA au \
service du bien social », en lien avec celui-ci.

Le Dialogue mondial sur la gouvernance de l'IA servira de plate-forme aux États Membres \
et à toutes les parties prenantes concernées pour examiner la coopération \
internationale, échanger des bonnes pratiques et des enseignements tirés de \
l'expérience et favoriser des discussions ouvertes, transparentes et inclusives sur la \
gouvernance de l'IA, en vue de faire progresser la réalisation des objectifs de \
développement durable et de réduire la fracture numérique entre les pays et en leur sein.

Dans le Pacte pour l'avenir, adopté le 22 septembre 2024, les États Membres ont réaffirmé \
leur volonté de tirer parti des avantages des technologies numériques et de renforcer la \
coopération internationale pour faire face aux risques émergents. Le Pacte numérique \
mondial, annexé au Pacte, donne effet à cet engagement en prévoyant la création d'un \
groupe scientifique international indépendant et pluridisciplinaire sur l'IA et le \
lancement d'un dialogue mondial sur la gouvernance de l'IA.

J'espère que ce Dialogue marquera une étape historique sur la voie d'une coopération \
véritablement mondiale, inclusive et efficace en matière de gouvernance de \
l'intelligence artificielle. Je compte sur votre participation active pour en assurer \
le succès.

Veuillez agréer, Excellence, les assurances de ma très haute considération.

(Signé) António Guterres""",
    "es": """\
EL SECRETARIO GENERAL

26 de febrero de 2026

Excelencia:

Tengo el honor de invitarle a participar en el primer Diálogo Mundial sobre la \
Gobernanza de la Inteligencia Artificial (IA), convocado de conformidad con la \
resolución 79/325 de la Asamblea General, de 26 de agosto de 2025.

El Diálogo Mundial sobre la Gobernanza de la IA, copresidido por los Representantes \
Permanentes de El Salvador y de la República de Estonia ante las Naciones Unidas en \
Nueva York, se celebrará en Ginebra (Suiza) los días 6 y 7 de julio de 2026 en el centro \
de exposiciones y congresos Palexpo, inmediatamente antes de la Cumbre Mundial «IA para \
el Bien» y en coordinación con ella.

El Diálogo Mundial sobre la Gobernanza de la IA servirá de plataforma para que los \
Estados Miembros y todas las partes interesadas pertinentes debatan sobre la \
cooperación internacional, intercambien prácticas óptimas y enseñanzas extraídas y \
promuevan debates abiertos, transparentes e inclusivos sobre la gobernanza de la IA, \
con miras a impulsar el logro de los Objetivos de Desarrollo Sostenible y a reducir las \
brechas digitales entre los países y dentro de ellos.

En el Pacto para el Futuro, aprobado el 22 de septiembre de 2024, los Estados Miembros \
reafirmaron su compromiso de aprovechar los beneficios de las tecnologías digitales y \
reforzar la cooperación internacional para hacer frente a los riesgos emergentes. \
El Pacto Digital Global, anexo al Pacto, hace efectivo ese compromiso al prever el \
establecimiento de un Grupo Científico Internacional Independiente y multidisciplinario \
sobre la IA y la puesta en marcha de un Diálogo Mundial sobre la Gobernanza de la IA.

Espero que el Diálogo constituya un hito histórico en el camino hacia una cooperación \
verdaderamente mundial, inclusiva y eficaz en la gobernanza de la inteligencia \
artificial. Cuento con su participación activa para garantizar su éxito.

Aprovecho la oportunidad para reiterarle, Excelencia, el testimonio de mi consideración \
más distinguida.

(Firmado) António Guterres""",
    "zh": """\
秘书长

2026年2月26日

阁下：

谨邀请阁下出席根据2025年8月26日大会第79/325号决议召开的首届人工智能治理全球对话。

人工智能治理全球对话由萨尔瓦多常驻纽约联合国代表和爱沙尼亚共和国常驻纽约联合国代表共同主持，\
将于2026年7月6日至7日在瑞士日内瓦Palexpo展览和会议中心举行，并与人工智能向善全球峰会衔接举行。

人工智能治理全球对话将作为会员国和所有相关利益攸关方的平台，用以讨论国际合作、分享最佳做法和\
经验教训，并促进就人工智能治理开展公开、透明和包容的讨论，以推进可持续发展目标，\
弥合国家之间和国家内部的数字鸿沟。

在2024年9月22日通过的《未来契约》中，会员国重申致力于利用数字技术带来的惠益，加强国际合作，\
应对新出现的风险。作为《契约》附件的《全球数字契约》落实了这一承诺，决定设立多学科的独立国际\
人工智能科学小组，并启动人工智能治理全球对话。

我希望本次对话将成为迈向真正全球性、包容和有效的人工智能治理合作的历史性里程碑。\
我期待阁下积极参与，确保对话取得成功。

顺致最崇高的敬意。

（签名）安东尼奥·古特雷斯""",
    "ar": """\
الأمين العام

26 فبراير 2026

صاحب الفخامة،

يشرفني أن أدعوكم إلى المشاركة في الحوار العالمي الأول بشأن حوكمة الذكاء الاصطناعي، المعقود \
عملاً بقرار الجمعية العامة 79/325 المؤرخ 26 أغسطس 2025.

وسيُعقد الحوار العالمي بشأن حوكمة الذكاء الاصطناعي، الذي يشارك في رئاسته الممثلان الدائمان \
للسلفادور وجمهورية إستونيا لدى الأمم المتحدة في نيويورك، في جنيف، سويسرا، يومي 6 و7 يوليو 2026 \
في مركز Palexpo للمعارض والمؤتمرات، بالتزامن مع القمة العالمية للذكاء الاصطناعي من أجل الصالح العام.

وسيكون الحوار العالمي بشأن حوكمة الذكاء الاصطناعي منبراً للدول الأعضاء وجميع أصحاب المصلحة \
المعنيين لمناقشة التعاون الدولي وتبادل أفضل الممارسات والدروس المستفادة وتيسير إجراء مناقشات \
مفتوحة وشفافة وشاملة بشأن حوكمة الذكاء الاصطناعي، من أجل المضي قدماً في تحقيق أهداف التنمية \
المستدامة وسد الفجوات الرقمية بين البلدان وداخلها.

وفي ميثاق المستقبل، المعتمد في 22 سبتمبر 2024، أكدت الدول الأعضاء من جديد التزامها بتسخير \
فوائد التكنولوجيات الرقمية وتعزيز التعاون الدولي للتصدي للمخاطر الناشئة. ويُجسّد الاتفاق الرقمي \
العالمي، المرفق بالميثاق، هذا الالتزام بالنص على إنشاء فريق علمي دولي مستقل متعدد التخصصات \
معني بالذكاء الاصطناعي وإطلاق حوار عالمي بشأن حوكمة الذكاء الاصطناعي.

وآمل أن يشكّل هذا الحوار علامة فارقة تاريخية على طريق تعاون عالمي وشامل وفعال حقاً في مجال \
حوكمة الذكاء الاصطناعي. وإنني أعوّل على مشاركتكم الفعالة لضمان نجاحه.

وتفضلوا، يا صاحب الفخامة، بقبول فائق الاحترام.

(توقيع) أنطونيو غوتيريش""",
}

# The same merge fields in every language; merge.fill drops a line left empty.
ANNEX_ADDRESS_BLOCK = dict.fromkeys(
    ("ar", "zh", "en", "fr", "ru", "es"), "{addressee}\n{title}\n{institution}\n{country}\n{city}"
)
