"""The core financial-literacy module: eight short lessons with their quizzes.

This is product content, written in plain language for people who run a small business, many
of them newly arrived in the country. A data migration loads it; after that, staff edit it in
the admin. Each text exists in Spanish ("es"), English ("en") and Brazilian Portuguese ("pt").

Each lesson has three questions: two form the lesson's quiz, and the one marked
``knowledge_test`` belongs to the pre-test and post-test over the whole module instead.
Every answer carries an explanation, so a learner sees why it is right or wrong.

Nothing here describes a particular bank or provider: requirements change and differ between
entities, so the lessons teach what to ask and what to bring.
"""

from typing import Any

Text = dict[str, str]


def t(es: str, en: str, pt: str) -> Text:
    return {"es": es, "en": en, "pt": pt}


def choice(correct: bool, text: Text, explanation: Text) -> dict[str, Any]:
    return {"correct": correct, "text": text, "explanation": explanation}


def question(text: Text, *choices: dict[str, Any], knowledge_test: bool = False) -> dict[str, Any]:
    return {"text": text, "knowledge_test": knowledge_test, "choices": list(choices)}


MODULE_CODE = "core"
MODULE_TITLE = t(
    "Finanzas para tu hogar y tu negocio",
    "Money for your home and your business",
    "Finanças para a sua casa e o seu negócio",
)

LESSONS: list[dict[str, Any]] = []

# 1 --------------------------------------------------------------------------------------------
LESSONS.append(
    {
        "slug": "budget",
        "title": t(
            "Un presupuesto para tu casa y tu negocio",
            "A budget for your home and your business",
            "Um orçamento para a sua casa e o seu negócio",
        ),
        "body": t(
            "Un presupuesto es un plan sencillo: cuánto dinero entra, cuánto sale y qué queda. "
            "No hace falta saber contabilidad; basta con un cuaderno o el teléfono.\n\n"
            "Empieza por anotar durante un mes todo lo que entra (ventas, pagos por trabajos, "
            "ayudas) y todo lo que sale. Separa los gastos en dos grupos: los fijos, que se "
            "repiten cada mes (arriendo, servicios, cuota del celular), y los variables, que "
            "cambian (comida, transporte, mercancía).\n\n"
            "Haz dos presupuestos, uno para la casa y otro para el negocio. En el del negocio, "
            "la pregunta clave es: ¿lo que vendo cubre lo que me cuesta producir y vender? Si "
            "vendes una arepa a 3.000 pesos y los ingredientes, el gas y el empaque cuestan "
            "2.000, te quedan 1.000 para pagar tu tiempo, el puesto y guardar algo.\n\n"
            "Al final del mes compara lo planeado con lo que pasó. Si gastaste más, busca el "
            "gasto que más creció y decide si puedes reducirlo. Reserva primero una parte para "
            "el ahorro, aunque sea pequeña, en lugar de ahorrar solo lo que sobre.\n\n"
            "Un presupuesto no es para castigarte: es para que decidas tú a dónde va tu dinero, "
            "y no la urgencia del día.",
            "A budget is a simple plan: how much money comes in, how much goes out and what is "
            "left. You do not need to know accounting; a notebook or your phone is enough.\n\n"
            "Start by writing down, for one month, everything that comes in (sales, payments "
            "for jobs, aid) and everything that goes out. Split your expenses into two groups: "
            "fixed ones, which repeat every month (rent, utilities, phone plan), and variable "
            "ones, which change (food, transport, stock).\n\n"
            "Make two budgets, one for the home and one for the business. For the business, "
            "the key question is: does what I sell cover what it costs me to make and sell it? "
            "If you sell an arepa for 3,000 pesos and the ingredients, gas and packaging cost "
            "2,000, you have 1,000 left to pay for your time, your stall and some savings.\n\n"
            "At the end of the month, compare the plan with what happened. If you spent more, "
            "find the expense that grew most and decide whether you can cut it. Set aside a "
            "part for savings first, even a small one, instead of saving only what is left.\n\n"
            "A budget is not a punishment: it lets you decide where your money goes, instead "
            "of the emergency of the day deciding for you.",
            "Um orçamento é um plano simples: quanto dinheiro entra, quanto sai e o que sobra. "
            "Você não precisa saber contabilidade; um caderno ou o celular bastam.\n\n"
            "Comece anotando, durante um mês, tudo o que entra (vendas, pagamentos por "
            "serviços, ajudas) e tudo o que sai. Separe os gastos em dois grupos: os fixos, "
            "que se repetem todo mês (aluguel, contas de luz e água, plano do celular), e os "
            "variáveis, que mudam (comida, transporte, mercadoria).\n\n"
            "Faça dois orçamentos, um para a casa e outro para o negócio. No do negócio, a "
            "pergunta-chave é: o que eu vendo cobre o que me custa produzir e vender? Se você "
            "vende uma arepa por 3.000 pesos e os ingredientes, o gás e a embalagem custam "
            "2.000, sobram 1.000 para pagar o seu tempo, o ponto de venda e guardar algo.\n\n"
            "No fim do mês, compare o planejado com o que aconteceu. Se gastou mais, procure o "
            "gasto que mais cresceu e decida se dá para reduzi-lo. Separe primeiro uma parte "
            "para a poupança, mesmo pequena, em vez de guardar só o que sobrar.\n\n"
            "O orçamento não é um castigo: é para que você decida para onde vai o seu "
            "dinheiro, e não a urgência do dia.",
        ),
        "questions": [
            question(
                t(
                    "¿Cuál de estos es un gasto fijo?",
                    "Which of these is a fixed expense?",
                    "Qual destes é um gasto fixo?",
                ),
                choice(
                    True,
                    t("El arriendo del local", "The rent for the premises", "O aluguel do ponto"),
                    t(
                        "Correcto: el arriendo se paga igual cada mes.",
                        "Right: rent is the same every month.",
                        "Certo: o aluguel é o mesmo todo mês.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "La mercancía que compras para vender",
                        "The stock you buy to sell",
                        "A mercadoria que você compra para vender",
                    ),
                    t(
                        "No: la mercancía cambia según lo que vendes; es un gasto variable.",
                        "No: stock changes with what you sell; it is a variable expense.",
                        "Não: a mercadoria muda conforme o que você vende; é um gasto variável.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "El transporte de la semana",
                        "This week's transport",
                        "O transporte da semana",
                    ),
                    t(
                        "No: el transporte sube y baja según cuánto te mueves; es variable.",
                        "No: transport goes up and down with how much you travel; it is variable.",
                        "Não: o transporte sobe e desce conforme você se desloca; é variável.",
                    ),
                ),
            ),
            question(
                t(
                    "¿Cuándo conviene apartar el dinero del ahorro?",
                    "When is the best moment to set aside savings?",
                    "Quando é melhor separar o dinheiro da poupança?",
                ),
                choice(
                    True,
                    t(
                        "Apenas recibes el dinero, antes de gastar",
                        "As soon as the money comes in, before spending",
                        "Assim que o dinheiro entra, antes de gastar",
                    ),
                    t(
                        "Correcto: si lo apartas primero, el ahorro no depende de que sobre algo.",
                        "Right: if you set it aside first, saving does not depend on "
                        "money left over.",
                        "Certo: separando primeiro, a poupança não depende de sobrar alguma coisa.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Al final del mes, con lo que sobre",
                        "At the end of the month, with whatever is left",
                        "No fim do mês, com o que sobrar",
                    ),
                    t(
                        "Casi nunca sobra: los gastos crecen hasta usar todo lo que hay.",
                        "There is rarely anything left: spending grows to use all there is.",
                        "Quase nunca sobra: os gastos crescem até usar tudo o que há.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Solo cuando el negocio vaya muy bien",
                        "Only when business is going very well",
                        "Só quando o negócio estiver indo muito bem",
                    ),
                    t(
                        "Esperar a los buenos tiempos deja sin colchón para los malos. Ahorrar "
                        "poco pero siempre funciona mejor.",
                        "Waiting for good times leaves no cushion for bad ones. Saving a little, "
                        "always, works better.",
                        "Esperar os bons tempos deixa você sem reserva para os ruins. "
                        "Poupar pouco, mas sempre, funciona melhor.",
                    ),
                ),
            ),
            question(
                t(
                    "Vendes un producto a 3.000 y producirlo te cuesta 2.000. ¿Cuánto te queda "
                    "por unidad para tu tiempo, el local y el ahorro?",
                    "You sell a product for 3,000 and it costs you 2,000 to make. How much is "
                    "left per unit for your time, your premises and savings?",
                    "Você vende um produto por 3.000 e produzi-lo custa 2.000. Quanto sobra por "
                    "unidade para o seu tempo, o ponto e a poupança?",
                ),
                choice(
                    True,
                    t("1.000", "1,000", "1.000"),
                    t(
                        "Correcto: 3.000 de venta menos 2.000 de costo deja 1.000 por unidad.",
                        "Right: 3,000 in sales minus 2,000 in costs leaves 1,000 per unit.",
                        "Certo: 3.000 de venda menos 2.000 de custo deixa 1.000 por unidade.",
                    ),
                ),
                choice(
                    False,
                    t("3.000", "3,000", "3.000"),
                    t(
                        "No: 3.000 es lo que recibes, pero 2.000 ya se fueron en costos.",
                        "No: 3,000 is what you receive, but 2,000 of it already went on costs.",
                        "Não: 3.000 é o que você recebe, mas 2.000 já foram para os custos.",
                    ),
                ),
                choice(
                    False,
                    t("5.000", "5,000", "5.000"),
                    t(
                        "No: los costos se restan de la venta, no se suman.",
                        "No: costs are taken away from the sale, not added to it.",
                        "Não: os custos são subtraídos da venda, não somados.",
                    ),
                ),
                knowledge_test=True,
            ),
        ],
    }
)

# 2 --------------------------------------------------------------------------------------------
LESSONS.append(
    {
        "slug": "separate-money",
        "title": t(
            "El dinero del negocio, aparte del de la casa",
            "Keep business money apart from household money",
            "O dinheiro do negócio, separado do da casa",
        ),
        "body": t(
            "Cuando el dinero del negocio y el de la casa están en el mismo bolsillo, es "
            "imposible saber si el negocio gana o pierde. Sacas para el mercado, para el "
            "colegio, para una urgencia, y a fin de mes no queda para reponer la mercancía.\n\n"
            "Tres hábitos ayudan mucho:\n"
            "- Ten un lugar distinto para cada dinero: dos sobres, dos cajas o dos cuentas.\n"
            "- Págate un sueldo. Decide una cantidad fija por semana que el negocio le da a "
            "la casa, y no saques más. Si el negocio va bien, puedes subirla después.\n"
            "- Si tomas algo del negocio para la casa (un producto, dinero), anótalo como "
            "retiro. Y si pones dinero de la casa en el negocio, anótalo también.\n\n"
            "Registra cada venta y cada gasto del negocio el mismo día. Así, al final del mes "
            "sabes cuánto vendiste, cuánto gastaste y cuánto ganó de verdad el negocio.\n\n"
            "Separar el dinero también te ayuda a pedir un crédito: quien presta quiere ver "
            "que el negocio tiene ventas propias y ordenadas. Y te protege: si una semana la "
            "casa necesita más, sabrás exactamente cuánto estás tomando del capital de "
            "trabajo y cuánto tienes que devolverle.",
            "When business money and household money sit in the same pocket, you cannot tell "
            "whether the business makes or loses money. You take some for groceries, for "
            "school, for an emergency, and at the end of the month there is nothing left to "
            "restock.\n\n"
            "Three habits help a lot:\n"
            "- Keep a separate place for each kind of money: two envelopes, two boxes or two "
            "accounts.\n"
            "- Pay yourself a wage. Decide a fixed amount each week that the business gives "
            "the household, and do not take more. If the business does well, you can raise "
            "it later.\n"
            "- If you take something from the business for the home (a product, cash), write "
            "it down as a withdrawal. If you put household money into the business, write "
            "that down too.\n\n"
            "Record every business sale and expense on the same day. Then, at the end of the "
            "month, you know how much you sold, how much you spent and how much the business "
            "really earned.\n\n"
            "Keeping money apart also helps when you ask for a loan: a lender wants to see "
            "that the business has its own, orderly sales. And it protects you: if the "
            "household needs more one week, you will know exactly how much you are taking from "
            "your working capital and how much you need to put back.",
            "Quando o dinheiro do negócio e o da casa ficam no mesmo bolso, é impossível saber "
            "se o negócio ganha ou perde. Você tira para o mercado, para a escola, para uma "
            "emergência, e no fim do mês não sobra para repor a mercadoria.\n\n"
            "Três hábitos ajudam muito:\n"
            "- Tenha um lugar diferente para cada dinheiro: dois envelopes, duas caixas ou "
            "duas contas.\n"
            "- Pague um salário a si mesmo. Decida um valor fixo por semana que o negócio dá "
            "para a casa, e não tire mais. Se o negócio for bem, você pode aumentá-lo "
            "depois.\n"
            "- Se pegar algo do negócio para a casa (um produto, dinheiro), anote como "
            "retirada. E se colocar dinheiro da casa no negócio, anote também.\n\n"
            "Registre cada venda e cada gasto do negócio no mesmo dia. Assim, no fim do mês, "
            "você sabe quanto vendeu, quanto gastou e quanto o negócio ganhou de verdade.\n\n"
            "Separar o dinheiro também ajuda na hora de pedir um empréstimo: quem empresta quer "
            "ver que o negócio tem vendas próprias e organizadas. E protege você: se numa "
            "semana a casa precisar de mais, você saberá exatamente quanto está tirando do "
            "capital de giro e quanto precisa devolver.",
        ),
        "questions": [
            question(
                t(
                    "¿Qué es «pagarte un sueldo» en tu negocio?",
                    'What does "paying yourself a wage" mean in your business?',
                    "O que é «pagar um salário a si mesmo» no seu negócio?",
                ),
                choice(
                    True,
                    t(
                        "Llevar a la casa una cantidad fija por semana y no sacar más",
                        "Taking a fixed amount home each week and no more",
                        "Levar para casa um valor fixo por semana e não tirar mais",
                    ),
                    t(
                        "Correcto: una cantidad fija protege el capital del negocio.",
                        "Right: a fixed amount protects the business's capital.",
                        "Certo: um valor fixo protege o capital do negócio.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Tomar de la caja lo que la casa necesite cada día",
                        "Taking from the till whatever the household needs each day",
                        "Tirar do caixa o que a casa precisar a cada dia",
                    ),
                    t(
                        "Así se mezcla todo y no sabrás si el negocio gana.",
                        "That mixes everything up, and you will not know if the business earns.",
                        "Assim tudo se mistura e você não saberá se o negócio dá lucro.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Quedarte con todas las ventas del día",
                        "Keeping all of the day's sales",
                        "Ficar com todas as vendas do dia",
                    ),
                    t(
                        "No: de las ventas hay que reponer la mercancía y pagar los costos.",
                        "No: sales must first restock and pay the costs.",
                        "Não: das vendas é preciso repor a mercadoria e pagar os custos.",
                    ),
                ),
            ),
            question(
                t(
                    "Tomas del negocio dos paquetes de arroz para la casa. ¿Qué haces?",
                    "You take two bags of rice from the business for your home. What do you do?",
                    "Você pega do negócio dois pacotes de arroz para casa. O que faz?",
                ),
                choice(
                    True,
                    t(
                        "Lo anoto como un retiro del negocio",
                        "I write it down as a withdrawal from the business",
                        "Anoto como uma retirada do negócio",
                    ),
                    t(
                        "Correcto: lo que sale para la casa también es dinero del negocio.",
                        "Right: what goes home is business money too.",
                        "Certo: o que vai para casa também é dinheiro do negócio.",
                    ),
                ),
                choice(
                    False,
                    t("Nada, es poca cosa", "Nothing, it is a small thing", "Nada, é pouca coisa"),
                    t(
                        "Las cosas pequeñas suman; sin anotarlas, las cuentas no cuadran.",
                        "Small things add up; without writing them down, the numbers do not match.",
                        "As coisas pequenas somam; sem anotar, as contas não fecham.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Lo cuento como una venta",
                        "I count it as a sale",
                        "Conto como uma venda",
                    ),
                    t(
                        "No es una venta: nadie pagó. Contarlo así inflaría tus ventas.",
                        "It is not a sale: nobody paid. Counting it that way inflates your sales.",
                        "Não é uma venda: ninguém pagou. Contar assim inflaria suas vendas.",
                    ),
                ),
            ),
            question(
                t(
                    "¿Por qué conviene separar el dinero del negocio del de la casa?",
                    "Why is it worth keeping business money apart from household money?",
                    "Por que vale a pena separar o dinheiro do negócio do da casa?",
                ),
                choice(
                    True,
                    t(
                        "Para saber si el negocio de verdad gana dinero",
                        "To know whether the business really makes money",
                        "Para saber se o negócio realmente dá lucro",
                    ),
                    t(
                        "Correcto: con el dinero separado, ves las ganancias reales del negocio.",
                        "Right: with the money apart, you see the business's real earnings.",
                        "Certo: com o dinheiro separado, você vê o lucro real do negócio.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Para pagar menos impuestos",
                        "To pay less tax",
                        "Para pagar menos impostos",
                    ),
                    t(
                        "Separar el dinero no cambia los impuestos; sirve para conocer tu negocio.",
                        "Keeping money apart does not change taxes; it lets you know your "
                        "business.",
                        "Separar o dinheiro não muda os impostos; serve para conhecer o negócio.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Porque la ley lo exige a todo negocio",
                        "Because the law requires it of every business",
                        "Porque a lei exige isso de todo negócio",
                    ),
                    t(
                        "La razón principal es práctica: entender y cuidar tu negocio.",
                        "The main reason is practical: understanding and protecting your business.",
                        "O motivo principal é prático: entender e cuidar do seu negócio.",
                    ),
                ),
                knowledge_test=True,
            ),
        ],
    }
)

# 3 --------------------------------------------------------------------------------------------
LESSONS.append(
    {
        "slug": "saving",
        "title": t(
            "Ahorrar y tener un fondo para emergencias",
            "Saving and an emergency fund",
            "Poupar e ter uma reserva de emergência",
        ),
        "body": t(
            "Ahorrar no es guardar lo que sobra: es pagarte primero a ti. Una cantidad pequeña "
            "y constante, por ejemplo un poco de cada venta o un monto fijo cada semana, rinde "
            "más que grandes promesas.\n\n"
            "El primer ahorro es el fondo de emergencias: dinero para una enfermedad, una "
            "semana sin ventas o un robo, sin tener que pedir prestado a cualquier precio. Una "
            "buena meta es reunir poco a poco lo que gastas en un mes en la casa, y más "
            "adelante dos o tres meses. Úsalo solo para emergencias de verdad y, cuando lo "
            "uses, vuelve a llenarlo.\n\n"
            "Después, ponle nombre a tus metas: «máquina de coser», «estufa nueva», «depósito "
            "del arriendo». Una meta con nombre, monto y fecha es más fácil de cumplir.\n\n"
            "¿Dónde guardarlo? El dinero en casa se pierde, se presta o se gasta. Una cuenta de "
            "ahorro o una billetera digital lo protege y deja un registro. Los grupos de ahorro "
            "de confianza, donde cada persona aporta y se reúnen con reglas claras, también "
            "ayudan, sobre todo si todavía no tienes cuenta.\n\n"
            "Si un mes no puedes ahorrar, no abandones: retoma el siguiente. Lo que cuenta es "
            "el hábito.",
            "Saving is not keeping what is left over: it is paying yourself first. A small, "
            "steady amount, such as a little from each sale or a fixed sum each week, goes "
            "further than big promises.\n\n"
            "Your first savings are an emergency fund: money for an illness, a week with no "
            "sales or a theft, so you do not have to borrow at any price. A good target is to "
            "build up, little by little, what your household spends in one month, and later "
            "two or three months. Use it only for real emergencies and, when you do, fill it "
            "up again.\n\n"
            'Then give your goals a name: "sewing machine", "new stove", "rent deposit". A '
            "goal with a name, an amount and a date is easier to reach.\n\n"
            "Where to keep it? Cash at home gets lost, lent or spent. A savings account or a "
            "digital wallet protects it and leaves a record. Trusted savings groups, where "
            "each person contributes and the group meets with clear rules, also help, "
            "especially if you do not have an account yet.\n\n"
            "If you cannot save one month, do not give up: start again the next. What counts "
            "is the habit.",
            "Poupar não é guardar o que sobra: é pagar a si mesmo primeiro. Um valor pequeno e "
            "constante, como um pouco de cada venda ou uma quantia fixa por semana, rende mais "
            "do que grandes promessas.\n\n"
            "A primeira poupança é a reserva de emergência: dinheiro para uma doença, uma "
            "semana sem vendas ou um roubo, sem precisar pedir emprestado a qualquer preço. Uma "
            "boa meta é juntar aos poucos o que a sua casa gasta em um mês e, mais adiante, "
            "dois ou três meses. Use-a só para emergências de verdade e, quando usar, volte a "
            "completá-la.\n\n"
            "Depois, dê nome às suas metas: «máquina de costura», «fogão novo», «caução do "
            "aluguel». Uma meta com nome, valor e data é mais fácil de cumprir.\n\n"
            "Onde guardar? Dinheiro em casa se perde, se empresta ou se gasta. Uma conta "
            "poupança ou uma carteira digital o protege e deixa um registro. Grupos de "
            "poupança de confiança, em que cada pessoa contribui e o grupo se reúne com regras "
            "claras, também ajudam, sobretudo se você ainda não tem conta.\n\n"
            "Se em um mês não conseguir poupar, não desista: retome no seguinte. O que conta é "
            "o hábito.",
        ),
        "questions": [
            question(
                t(
                    "¿Para qué sirve un fondo de emergencias?",
                    "What is an emergency fund for?",
                    "Para que serve uma reserva de emergência?",
                ),
                choice(
                    True,
                    t(
                        "Para cubrir imprevistos sin endeudarte a cualquier precio",
                        "To cover the unexpected without borrowing at any price",
                        "Para cobrir imprevistos sem se endividar a qualquer preço",
                    ),
                    t(
                        "Correcto: con un fondo no dependes de préstamos caros en una urgencia.",
                        "Right: with a fund you do not depend on expensive loans in an emergency.",
                        "Certo: com a reserva você não depende de empréstimos caros na urgência.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Para comprar mercancía en oferta",
                        "To buy stock on sale",
                        "Para comprar mercadoria em promoção",
                    ),
                    t(
                        "Eso es una meta del negocio; el fondo es solo para emergencias.",
                        "That is a business goal; the fund is only for emergencies.",
                        "Isso é uma meta do negócio; a reserva é só para emergências.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Para prestarle a un vecino",
                        "To lend to a neighbour",
                        "Para emprestar a um vizinho",
                    ),
                    t(
                        "Si lo prestas, no estará cuando tú lo necesites.",
                        "If you lend it, it will not be there when you need it.",
                        "Se você emprestar, ela não estará lá quando você precisar.",
                    ),
                ),
            ),
            question(
                t(
                    "¿Qué hace más fácil cumplir una meta de ahorro?",
                    "What makes a savings goal easier to reach?",
                    "O que torna mais fácil cumprir uma meta de poupança?",
                ),
                choice(
                    True,
                    t(
                        "Darle un nombre, un monto y una fecha",
                        "Giving it a name, an amount and a date",
                        "Dar a ela um nome, um valor e uma data",
                    ),
                    t(
                        "Correcto: una meta concreta te dice cuánto guardar cada semana.",
                        "Right: a concrete goal tells you how much to put away each week.",
                        "Certo: uma meta concreta diz quanto guardar por semana.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Guardarla en secreto bajo el colchón",
                        "Keeping it secretly under the mattress",
                        "Guardar escondido debaixo do colchão",
                    ),
                    t(
                        "El dinero en casa se pierde o se gasta con facilidad.",
                        "Cash at home is easily lost or spent.",
                        "Dinheiro em casa se perde ou se gasta com facilidade.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Esperar a tener mucho dinero para empezar",
                        "Waiting until you have a lot of money to start",
                        "Esperar ter muito dinheiro para começar",
                    ),
                    t(
                        "Empezar con poco y seguir siempre funciona mejor.",
                        "Starting small and keeping at it works better.",
                        "Começar com pouco e manter sempre funciona melhor.",
                    ),
                ),
            ),
            question(
                t(
                    "¿Cuánto es una buena primera meta para el fondo de emergencias?",
                    "What is a good first target for an emergency fund?",
                    "Qual é uma boa primeira meta para a reserva de emergência?",
                ),
                choice(
                    True,
                    t(
                        "Lo que gasta tu casa en un mes",
                        "What your household spends in one month",
                        "O que a sua casa gasta em um mês",
                    ),
                    t(
                        "Correcto: un mes de gastos es una primera meta realista; luego, más.",
                        "Right: one month of expenses is a realistic first target; then more.",
                        "Certo: um mês de gastos é uma primeira meta realista; depois, mais.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Lo que gastas en un día",
                        "What you spend in one day",
                        "O que você gasta em um dia",
                    ),
                    t(
                        "Un día de gastos no alcanza para una enfermedad o una semana sin ventas.",
                        "One day of spending does not cover an illness or a week without sales.",
                        "Um dia de gastos não cobre uma doença ou uma semana sem vendas.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Nada: para eso están los préstamos",
                        "Nothing: that is what loans are for",
                        "Nada: para isso existem os empréstimos",
                    ),
                    t(
                        "Un préstamo en una urgencia suele ser caro; el fondo te evita ese costo.",
                        "A loan in an emergency is usually expensive; the fund saves you "
                        "that cost.",
                        "Um empréstimo na urgência costuma ser caro; a reserva evita esse custo.",
                    ),
                ),
                knowledge_test=True,
            ),
        ],
    }
)

# 4 --------------------------------------------------------------------------------------------
LESSONS.append(
    {
        "slug": "credit-cost",
        "title": t(
            "El crédito y lo que cuesta de verdad",
            "Credit and what it really costs",
            "O crédito e quanto ele custa de verdade",
        ),
        "body": t(
            "Un crédito puede ayudar a crecer: comprar una máquina que produce más, o "
            "mercancía que sabes que se vende. Pero todo crédito tiene un costo, y hay que "
            "compararlo antes de firmar.\n\n"
            "Lo más simple es sumar todas las cuotas y restar lo que recibes. Si te prestan "
            "1.000 y pagas 12 cuotas de 100, devuelves 1.200: el crédito cuesta 200. Suma "
            "también los seguros, comisiones y gastos de estudio que te cobren.\n\n"
            "Para comparar créditos de distinto plazo se usa la tasa efectiva anual (TEA en "
            "Perú, EA en Colombia): dice cuánto costaría el crédito en un año, "
            "contando que los intereses se acumulan. Un «10 % mensual» no es un 120 % al año: "
            "es más de 200 %. Pide siempre la tasa efectiva anual y el costo total por "
            "escrito.\n\n"
            "Antes de pedir, pregúntate: ¿la cuota cabe en mi presupuesto en una semana mala? "
            "¿Lo que compro con el crédito produce lo suficiente para pagarlo? Si la respuesta "
            "es no, el crédito puede hundir el negocio en lugar de ayudarlo.\n\n"
            "Pagar a tiempo construye un historial que te abre créditos más baratos después. "
            "Y si no puedes pagar, habla con la entidad antes de atrasarte: muchas veces se "
            "puede reprogramar.\n\n"
            "La calculadora de costo del crédito de Impulsa te muestra la tasa efectiva anual "
            "de cualquier préstamo con solo saber cuánto recibes y cuánto pagas.",
            "A loan can help you grow: buying a machine that produces more, or stock you know "
            "will sell. But every loan has a cost, and you need to compare it before you "
            "sign.\n\n"
            "The simplest check is to add up all the repayments and subtract what you receive. "
            "If you are lent 1,000 and pay 12 instalments of 100, you pay back 1,200: the loan "
            "costs 200. Also add any insurance, fees and processing charges.\n\n"
            "To compare loans of different lengths, use the effective annual rate (called TEA "
            "in Peru, EA in Colombia): it says what the loan would cost over a year, counting "
            'that interest builds on interest. "10% a month" is not 120% a year: it is more '
            "than 200%. Always ask for the effective annual rate and the total cost in "
            "writing.\n\n"
            "Before you borrow, ask yourself: does the repayment fit my budget in a bad week? "
            "Will what I buy with the loan earn enough to pay it back? If not, the loan can "
            "sink the business instead of helping it.\n\n"
            "Paying on time builds a record that opens cheaper credit later. And if you cannot "
            "pay, talk to the lender before you fall behind: repayments can often be "
            "rescheduled.\n\n"
            "Impulsa's credit cost calculator shows the effective annual rate of any loan from "
            "just what you receive and what you repay.",
            "Um empréstimo pode ajudar a crescer: comprar uma máquina que produz mais, ou "
            "mercadoria que você sabe que vende. Mas todo crédito tem um custo, e é preciso "
            "compará-lo antes de assinar.\n\n"
            "O jeito mais simples é somar todas as parcelas e subtrair o que você recebe. Se "
            "emprestam 1.000 e você paga 12 parcelas de 100, devolve 1.200: o crédito custa "
            "200. Some também seguros, tarifas e taxas de análise cobradas.\n\n"
            "Para comparar créditos de prazos diferentes, use a taxa efetiva anual (TEA no "
            "Peru, EA na Colômbia; no Brasil se fala em Custo Efetivo Total, o CET): ela diz "
            "quanto o crédito custaria em um ano, contando que os juros se acumulam. «10% ao "
            "mês» não é 120% ao ano: é mais de 200%. Peça sempre a taxa efetiva anual e o "
            "custo total por escrito.\n\n"
            "Antes de pedir, pergunte-se: a parcela cabe no meu orçamento numa semana ruim? O "
            "que vou comprar com o crédito rende o suficiente para pagá-lo? Se a resposta for "
            "não, o crédito pode afundar o negócio em vez de ajudar.\n\n"
            "Pagar em dia constrói um histórico que abre créditos mais baratos depois. E se "
            "não puder pagar, fale com a instituição antes de atrasar: muitas vezes dá para "
            "renegociar.\n\n"
            "A calculadora de custo do crédito do Impulsa mostra a taxa efetiva anual de "
            "qualquer empréstimo sabendo só quanto você recebe e quanto paga.",
        ),
        "questions": [
            question(
                t(
                    "Te prestan 1.000 y pagas 12 cuotas de 100. ¿Cuánto cuesta el crédito?",
                    "You are lent 1,000 and pay 12 instalments of 100. What does the loan cost?",
                    "Emprestam 1.000 e você paga 12 parcelas de 100. Quanto custa o crédito?",
                ),
                choice(
                    True,
                    t("200", "200", "200"),
                    t(
                        "Correcto: pagas 1.200 en total y recibiste 1.000.",
                        "Right: you pay 1,200 in all and received 1,000.",
                        "Certo: você paga 1.200 no total e recebeu 1.000.",
                    ),
                ),
                choice(
                    False,
                    t("100", "100", "100"),
                    t(
                        "No: 100 es una sola cuota. El costo es el total pagado menos lo recibido.",
                        "No: 100 is one instalment. The cost is the total paid minus what you got.",
                        "Não: 100 é uma parcela. O custo é o total pago menos o que recebeu.",
                    ),
                ),
                choice(
                    False,
                    t("1.200", "1,200", "1.200"),
                    t(
                        "No: 1.200 es todo lo que devuelves; 1.000 ya eran tuyos del préstamo.",
                        "No: 1,200 is all you pay back; 1,000 of it is the money you received.",
                        "Não: 1.200 é tudo o que você devolve; 1.000 é o que você recebeu.",
                    ),
                ),
            ),
            question(
                t(
                    "¿Qué debes preguntar antes de firmar un crédito?",
                    "What should you ask before signing for a loan?",
                    "O que você deve perguntar antes de assinar um crédito?",
                ),
                choice(
                    True,
                    t(
                        "La tasa efectiva anual y el costo total, por escrito",
                        "The effective annual rate and the total cost, in writing",
                        "A taxa efetiva anual e o custo total, por escrito",
                    ),
                    t(
                        "Correcto: con esos dos datos puedes comparar cualquier crédito.",
                        "Right: with those two figures you can compare any loan.",
                        "Certo: com esses dois dados você compara qualquer crédito.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Solo el valor de la cuota",
                        "Only the size of each repayment",
                        "Só o valor da parcela",
                    ),
                    t(
                        "Una cuota baja puede esconder un plazo largo y un costo total alto.",
                        "A low repayment can hide a long term and a high total cost.",
                        "Uma parcela baixa pode esconder um prazo longo e um custo total alto.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Qué tan rápido te dan el dinero",
                        "How quickly they hand over the money",
                        "Com que rapidez liberam o dinheiro",
                    ),
                    t(
                        "La rapidez no dice nada del costo; los préstamos más rápidos suelen ser "
                        "los más caros.",
                        "Speed says nothing about cost; the fastest loans are often the most "
                        "expensive.",
                        "A rapidez não diz nada do custo; os empréstimos mais rápidos costumam ser "
                        "os mais caros.",
                    ),
                ),
            ),
            question(
                t(
                    "Un crédito cobra 10 % mensual. ¿Cuánto es al año, con intereses acumulados?",
                    "A loan charges 10% a month. How much is that a year, with interest "
                    "on interest?",
                    "Um crédito cobra 10% ao mês. Quanto é ao ano, com juros acumulados?",
                ),
                choice(
                    True,
                    t("Más de 200 %", "More than 200%", "Mais de 200%"),
                    t(
                        "Correcto: 1,10 elevado a 12 da 3,14; es decir, unos 214 % al año.",
                        "Right: 1.10 to the power of 12 is 3.14, about 214% a year.",
                        "Certo: 1,10 elevado a 12 dá 3,14, cerca de 214% ao ano.",
                    ),
                ),
                choice(
                    False,
                    t("120 %", "120%", "120%"),
                    t(
                        "No: multiplicar 10 por 12 olvida que los intereses se acumulan mes a mes.",
                        "No: multiplying 10 by 12 forgets that interest builds up month "
                        "after month.",
                        "Não: multiplicar 10 por 12 esquece que os juros se acumulam mês a mês.",
                    ),
                ),
                choice(
                    False,
                    t("10 %", "10%", "10%"),
                    t(
                        "No: 10 % es lo que cuesta un solo mes.",
                        "No: 10% is the cost of a single month.",
                        "Não: 10% é o custo de um único mês.",
                    ),
                ),
                knowledge_test=True,
            ),
        ],
    }
)

# 5 --------------------------------------------------------------------------------------------
LESSONS.append(
    {
        "slug": "gota-a-gota",
        "title": t(
            "Préstamos «gota a gota»: los peligros y las alternativas",
            '"Gota a gota" daily-repayment lenders: the dangers and the alternatives',
            "Empréstimos «gota a gota»: os perigos e as alternativas",
        ),
        "body": t(
            "El «gota a gota» es un préstamo informal: te dan el dinero rápido, sin papeles, y "
            "lo pagas en cuotas diarias. Parece fácil, pero es de los créditos más caros y "
            "peligrosos que existen.\n\n"
            "Un ejemplo común: recibes 500.000 pesos y pagas 24 cuotas diarias de 25.000. Te "
            "dicen que es «el 20 %». Pero como pagas cada día durante menos de un mes, el costo "
            "real equivale a miles por ciento al año. Ningún negocio pequeño gana tanto como "
            "para pagar eso sin endeudarse otra vez.\n\n"
            "Además:\n"
            "- No hay contrato ni recibos: no puedes probar lo que pagaste.\n"
            "- Si te atrasas, llegan las multas, las amenazas y a veces la violencia contra ti "
            "o tu familia.\n"
            "- Muchas personas piden un segundo préstamo para pagar el primero, y la deuda "
            "crece sin fin.\n\n"
            "Alternativas: cooperativas y entidades de microfinanzas que prestan a negocios "
            "pequeños con contrato y tasas vigiladas; grupos de ahorro de tu comunidad; el "
            "capital semilla o los apoyos del programa; y, sobre todo, tu fondo de emergencias, "
            "que evita tener que pedir prestado con urgencia.\n\n"
            "Si ya tienes una deuda gota a gota y recibes amenazas, busca ayuda: denuncia ante "
            "la policía o la fiscalía y cuéntale al equipo de tu programa. No estás sola ni "
            "solo.",
            '"Gota a gota" (drop by drop) is an informal loan: you get the money fast, with no '
            "paperwork, and pay it back in daily instalments. It looks easy, but it is one of "
            "the most expensive and dangerous kinds of credit there is.\n\n"
            "A common example: you receive 500,000 pesos and pay 24 daily instalments of "
            '25,000. They tell you it is "20%". But because you pay every day for less than a '
            "month, the real cost comes to thousands of percent a year. No small business earns "
            "enough to pay that without borrowing again.\n\n"
            "What is more:\n"
            "- There is no contract and no receipts: you cannot prove what you paid.\n"
            "- If you fall behind, the penalties come, then threats and sometimes violence "
            "against you or your family.\n"
            "- Many people take a second loan to pay the first, and the debt grows without "
            "end.\n\n"
            "Alternatives: cooperatives and microfinance institutions that lend to small "
            "businesses with a contract and supervised rates; savings groups in your community; "
            "the programme's seed capital or support; and above all your emergency fund, which "
            "saves you from having to borrow in a hurry.\n\n"
            "If you already owe a gota-a-gota lender and are being threatened, get help: report "
            "it to the police or the prosecutor's office and tell your programme team. You are "
            "not alone.",
            "O «gota a gota» é um empréstimo informal: dão o dinheiro rápido, sem papelada, e "
            "você paga em parcelas diárias. Parece fácil, mas é um dos créditos mais caros e "
            "perigosos que existem. No Brasil, quem empresta assim costuma ser chamado de "
            "agiota.\n\n"
            "Um exemplo comum: você recebe 500.000 pesos e paga 24 parcelas diárias de 25.000. "
            "Dizem que é «20%». Mas como você paga todo dia por menos de um mês, o custo real "
            "equivale a milhares por cento ao ano. Nenhum pequeno negócio ganha o suficiente "
            "para pagar isso sem se endividar de novo.\n\n"
            "Além disso:\n"
            "- Não há contrato nem recibos: você não consegue provar o que pagou.\n"
            "- Se atrasar, vêm as multas, as ameaças e às vezes a violência contra você ou a "
            "sua família.\n"
            "- Muitas pessoas pegam um segundo empréstimo para pagar o primeiro, e a dívida "
            "cresce sem fim.\n\n"
            "Alternativas: cooperativas e instituições de microfinanças que emprestam a "
            "pequenos negócios com contrato e taxas fiscalizadas; grupos de poupança da sua "
            "comunidade; o capital semente ou os apoios do programa; e, acima de tudo, a sua "
            "reserva de emergência, que evita pedir emprestado com pressa.\n\n"
            "Se você já tem uma dívida gota a gota e recebe ameaças, procure ajuda: denuncie à "
            "polícia ou ao Ministério Público e conte à equipe do seu programa. Você não está "
            "sozinha nem sozinho.",
        ),
        "questions": [
            question(
                t(
                    "Un prestamista dice que su préstamo diario cuesta «solo el 20 %». ¿Qué es "
                    "cierto?",
                    'A lender says their daily loan costs "only 20%". What is true?',
                    "Um agiota diz que o empréstimo diário custa «só 20%». O que é verdade?",
                ),
                choice(
                    True,
                    t(
                        "Al año, el costo real es de miles por ciento",
                        "Over a year, the real cost is thousands of percent",
                        "Ao ano, o custo real é de milhares por cento",
                    ),
                    t(
                        "Correcto: el 20 % se cobra en menos de un mes, y eso repetido da un "
                        "costo anual enorme.",
                        "Right: the 20% is charged in less than a month, and repeated that "
                        "becomes an enormous yearly cost.",
                        "Certo: os 20% são cobrados em menos de um mês, e isso repetido vira um "
                        "custo anual enorme.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Es más barato que un banco",
                        "It is cheaper than a bank",
                        "É mais barato que um banco",
                    ),
                    t(
                        "No: comparado en tasa efectiva anual, es muchísimo más caro.",
                        "No: compared by effective annual rate, it is far more expensive.",
                        "Não: comparado pela taxa efetiva anual, é muitíssimo mais caro.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Es un 20 % al año",
                        "It is 20% a year",
                        "São 20% ao ano",
                    ),
                    t(
                        "No: ese 20 % se paga en unas pocas semanas, no en un año.",
                        "No: that 20% is paid within a few weeks, not a year.",
                        "Não: esses 20% são pagos em poucas semanas, não em um ano.",
                    ),
                ),
            ),
            question(
                t(
                    "¿Cuál es una alternativa más segura al gota a gota?",
                    "Which is a safer alternative to a gota-a-gota loan?",
                    "Qual é uma alternativa mais segura ao gota a gota?",
                ),
                choice(
                    True,
                    t(
                        "Una cooperativa o entidad de microfinanzas con contrato",
                        "A cooperative or microfinance institution, with a contract",
                        "Uma cooperativa ou instituição de microfinanças, com contrato",
                    ),
                    t(
                        "Correcto: hay contrato, recibos, tasas vigiladas y formas de reclamar.",
                        "Right: there is a contract, receipts, supervised rates and ways to "
                        "complain.",
                        "Certo: há contrato, recibos, taxas fiscalizadas e formas de reclamar.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Otro gota a gota para pagar el primero",
                        "Another gota-a-gota loan to pay off the first",
                        "Outro gota a gota para pagar o primeiro",
                    ),
                    t(
                        "Así la deuda crece sin fin; es la trampa más común.",
                        "That makes the debt grow without end; it is the most common trap.",
                        "Assim a dívida cresce sem fim; é a armadilha mais comum.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Un préstamo por redes sociales sin contrato",
                        "A loan through social media with no contract",
                        "Um empréstimo pelas redes sociais sem contrato",
                    ),
                    t(
                        "Sin contrato tienes los mismos riesgos del gota a gota, o una estafa.",
                        "Without a contract you face the same risks as gota a gota, or a scam.",
                        "Sem contrato você corre os mesmos riscos do gota a gota, ou é golpe.",
                    ),
                ),
            ),
            question(
                t(
                    "¿Qué debes hacer si un prestamista informal te amenaza?",
                    "What should you do if an informal lender threatens you?",
                    "O que fazer se um agiota ameaçar você?",
                ),
                choice(
                    True,
                    t(
                        "Denunciar y buscar apoyo en tu programa",
                        "Report it and get support from your programme",
                        "Denunciar e buscar apoio no seu programa",
                    ),
                    t(
                        "Correcto: las amenazas son un delito y no tienes que enfrentarlas sola "
                        "ni solo.",
                        "Right: threats are a crime, and you do not have to face them alone.",
                        "Certo: ameaças são crime, e você não precisa enfrentá-las sozinha nem "
                        "sozinho.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Pedir otro préstamo para pagarle ya",
                        "Take another loan to pay them off at once",
                        "Pegar outro empréstimo para pagar logo",
                    ),
                    t(
                        "Eso suele llevar a una deuda mayor con el mismo riesgo.",
                        "That usually leads to a bigger debt with the same risk.",
                        "Isso costuma levar a uma dívida maior com o mesmo risco.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Callar para no tener problemas",
                        "Stay quiet to avoid trouble",
                        "Ficar calado para não ter problemas",
                    ),
                    t(
                        "Callar deja el poder al prestamista; pedir ayuda te protege.",
                        "Staying quiet leaves the lender in control; asking for help protects you.",
                        "Ficar calado deixa o agiota no controle; pedir ajuda protege você.",
                    ),
                ),
                knowledge_test=True,
            ),
        ],
    }
)

# 6 --------------------------------------------------------------------------------------------
LESSONS.append(
    {
        "slug": "digital-payments",
        "title": t(
            "Pagos digitales y billeteras móviles",
            "Digital payments and mobile wallets",
            "Pagamentos digitais e carteiras digitais",
        ),
        "body": t(
            "Una billetera móvil es una cuenta que usas desde el celular: recibes y envías "
            "dinero con un número de teléfono o un código QR. En muchos barrios los clientes ya "
            "prefieren pagar así, y un negocio que acepta pagos digitales no pierde esas "
            "ventas.\n\n"
            "Ventajas para tu negocio:\n"
            "- Menos efectivo en el puesto: menos riesgo de robo y de billetes falsos.\n"
            "- Cada pago queda registrado, lo que te ayuda a llevar las cuentas y a mostrar "
            "ventas cuando pidas un crédito.\n"
            "- Puedes pagar a proveedores y servicios sin hacer filas.\n\n"
            "Para usarla bien:\n"
            "- Revisa qué cobra: algunas billeteras cobran por retirar efectivo o por pasar de "
            "cierto monto al mes. Pregunta antes.\n"
            "- Confirma cada pago en tu propia aplicación, no en la pantalla del cliente: una "
            "captura de pantalla se puede falsificar.\n"
            "- Protege tu clave: no la compartas con nadie, ni con quien diga ser de la "
            "entidad. Activa el bloqueo del celular.\n"
            "- Si pierdes el teléfono, llama de inmediato a la entidad para bloquear la "
            "cuenta.\n\n"
            "Empieza recibiendo pagos de clientes de confianza y anota en tu registro de ventas "
            "que fueron digitales. Pronto verás cuánto de tu negocio ya pasa por el celular.",
            "A mobile wallet is an account you use from your phone: you receive and send money "
            "with a phone number or a QR code. In many neighbourhoods, customers already prefer "
            "to pay this way, and a business that accepts digital payments does not lose those "
            "sales.\n\n"
            "Advantages for your business:\n"
            "- Less cash at the stall: less risk of theft and of fake notes.\n"
            "- Every payment is recorded, which helps you keep your books and show your sales "
            "when you ask for a loan.\n"
            "- You can pay suppliers and bills without queueing.\n\n"
            "To use it well:\n"
            "- Check the charges: some wallets charge for cash withdrawals or above a monthly "
            "amount. Ask first.\n"
            "- Confirm every payment in your own app, not on the customer's screen: a "
            "screenshot can be faked.\n"
            "- Protect your PIN: share it with no one, not even someone who says they work for "
            "the provider. Turn on your phone's screen lock.\n"
            "- If you lose your phone, call the provider at once to block the account.\n\n"
            "Start by taking payments from customers you trust and note in your sales record "
            "that they were digital. You will soon see how much of your business already goes "
            "through your phone.",
            "Uma carteira digital é uma conta que você usa pelo celular: recebe e envia "
            "dinheiro com um número de telefone ou um código QR. Em muitos bairros os clientes "
            "já preferem pagar assim, e um negócio que aceita pagamentos digitais não perde "
            "essas vendas.\n\n"
            "Vantagens para o seu negócio:\n"
            "- Menos dinheiro vivo no ponto: menos risco de roubo e de notas falsas.\n"
            "- Cada pagamento fica registrado, o que ajuda a controlar as contas e a mostrar as "
            "vendas quando pedir um empréstimo.\n"
            "- Você pode pagar fornecedores e contas sem enfrentar filas.\n\n"
            "Para usar bem:\n"
            "- Veja o que cobram: algumas carteiras cobram para sacar dinheiro ou acima de "
            "certo valor por mês. Pergunte antes.\n"
            "- Confirme cada pagamento no seu próprio aplicativo, não na tela do cliente: um "
            "print de tela pode ser falsificado.\n"
            "- Proteja a sua senha: não a compartilhe com ninguém, nem com quem diz ser da "
            "instituição. Ative o bloqueio de tela do celular.\n"
            "- Se perder o telefone, ligue na hora para a instituição e bloqueie a conta.\n\n"
            "Comece recebendo pagamentos de clientes de confiança e anote no registro de vendas "
            "que foram digitais. Logo você verá quanto do seu negócio já passa pelo celular.",
        ),
        "questions": [
            question(
                t(
                    "Un cliente te muestra en su celular que ya te pagó. ¿Qué haces?",
                    "A customer shows you on their phone that they have paid. What do you do?",
                    "Um cliente mostra no celular dele que já pagou. O que você faz?",
                ),
                choice(
                    True,
                    t(
                        "Reviso en mi propia aplicación que el dinero llegó",
                        "I check in my own app that the money arrived",
                        "Confiro no meu próprio aplicativo se o dinheiro chegou",
                    ),
                    t(
                        "Correcto: solo tu aplicación confirma el pago; una pantalla se puede "
                        "falsificar.",
                        "Right: only your app confirms the payment; a screen can be faked.",
                        "Certo: só o seu aplicativo confirma o pagamento; uma tela pode ser "
                        "falsificada.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Le entrego el producto, ya vi la pantalla",
                        "I hand over the goods, I saw the screen",
                        "Entrego o produto, já vi a tela",
                    ),
                    t(
                        "Las capturas falsas son una estafa común contra pequeños negocios.",
                        "Fake screenshots are a common scam against small businesses.",
                        "Prints falsos são um golpe comum contra pequenos negócios.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Le pido mi clave para revisar juntos",
                        "I give them my PIN so we can check together",
                        "Passo a minha senha para conferirmos juntos",
                    ),
                    t(
                        "Nunca compartas tu clave, con nadie.",
                        "Never share your PIN, with anyone.",
                        "Nunca compartilhe a sua senha, com ninguém.",
                    ),
                ),
            ),
            question(
                t(
                    "¿Qué debes preguntar antes de usar una billetera móvil?",
                    "What should you ask before using a mobile wallet?",
                    "O que você deve perguntar antes de usar uma carteira digital?",
                ),
                choice(
                    True,
                    t(
                        "Qué cobra por retiros y por montos altos",
                        "What it charges for withdrawals and for large amounts",
                        "Quanto cobra por saques e por valores altos",
                    ),
                    t(
                        "Correcto: conocer los cobros evita sorpresas.",
                        "Right: knowing the charges avoids surprises.",
                        "Certo: conhecer as tarifas evita surpresas.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Si puedo compartir la cuenta con mis vecinos",
                        "Whether I can share the account with my neighbours",
                        "Se posso dividir a conta com meus vizinhos",
                    ),
                    t(
                        "La cuenta es personal; compartirla te expone a fraudes y pérdidas.",
                        "The account is personal; sharing it exposes you to fraud and losses.",
                        "A conta é pessoal; compartilhá-la expõe você a fraudes e perdas.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Nada, todas son gratis siempre",
                        "Nothing, they are all always free",
                        "Nada, todas são sempre grátis",
                    ),
                    t(
                        "No siempre: algunas cobran por ciertas operaciones.",
                        "Not always: some charge for certain operations.",
                        "Nem sempre: algumas cobram por certas operações.",
                    ),
                ),
            ),
            question(
                t(
                    "¿Cuál es una ventaja de recibir pagos digitales en tu negocio?",
                    "What is one advantage of accepting digital payments in your business?",
                    "Qual é uma vantagem de receber pagamentos digitais no seu negócio?",
                ),
                choice(
                    True,
                    t(
                        "Cada pago queda registrado y manejas menos efectivo",
                        "Every payment is recorded and you handle less cash",
                        "Cada pagamento fica registrado e você lida com menos dinheiro vivo",
                    ),
                    t(
                        "Correcto: menos riesgo de robo y un registro que te ayuda a pedir "
                        "crédito.",
                        "Right: less risk of theft, and a record that helps when you ask for "
                        "credit.",
                        "Certo: menos risco de roubo e um registro que ajuda a pedir crédito.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Ya no necesitas anotar tus ventas",
                        "You no longer need to record your sales",
                        "Você não precisa mais anotar as vendas",
                    ),
                    t(
                        "Sigue anotando: no todos los clientes pagan por el celular.",
                        "Keep recording: not every customer pays by phone.",
                        "Continue anotando: nem todo cliente paga pelo celular.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Nunca hay cobros de ningún tipo",
                        "There are never any charges of any kind",
                        "Nunca há cobranças de nenhum tipo",
                    ),
                    t(
                        "Algunas operaciones tienen costo; pregunta antes.",
                        "Some operations have a cost; ask first.",
                        "Algumas operações têm custo; pergunte antes.",
                    ),
                ),
                knowledge_test=True,
            ),
        ],
    }
)

# 7 --------------------------------------------------------------------------------------------
LESSONS.append(
    {
        "slug": "open-an-account",
        "title": t(
            "Abrir una cuenta con los documentos que tienes",
            "Opening an account with the documents you have",
            "Abrir uma conta com os documentos que você tem",
        ),
        "body": t(
            "Tener una cuenta te permite guardar dinero con seguridad, recibir pagos y "
            "construir un historial para pedir créditos más baratos. Muchas personas migrantes "
            "creen que no pueden abrir una, pero a menudo sí pueden con el documento que ya "
            "tienen.\n\n"
            "Documentos que las entidades suelen pedir, según el país:\n"
            "- Colombia: el Permiso por Protección Temporal (PPT); algunas entidades aceptaron "
            "también el PEP, y la cédula de extranjería.\n"
            "- Perú: el Carné de Permiso Temporal de Permanencia (CPP) o el carné de "
            "extranjería.\n"
            "- Ecuador: la visa (por ejemplo la VIRTE) y la cédula ecuatoriana que se obtiene "
            "con ella.\n"
            "- En varios países, el pasaporte, a veces aunque esté vencido.\n\n"
            "Las reglas cambian y cada entidad decide, así que antes de ir:\n"
            "- Pregunta por teléfono o en la página de la entidad qué documentos acepta.\n"
            "- Pregunta por cuentas de trámite simplificado o de bajo monto: piden menos "
            "requisitos y suelen no cobrar cuota de manejo.\n"
            "- Lleva tu documento vigente, un número de celular propio y, si te lo piden, un "
            "recibo de servicios con tu dirección.\n\n"
            "Si te dicen que no, pide que te expliquen por escrito el motivo y prueba en otra "
            "entidad: cooperativas, microfinancieras o billeteras móviles pueden tener otros "
            "requisitos. El directorio de Impulsa te ayuda a buscar opciones que aceptan tu "
            "documento en tu país.",
            "Having an account lets you keep money safely, receive payments and build a record "
            "that gets you cheaper credit. Many migrants believe they cannot open one, but they "
            "often can with the document they already have.\n\n"
            "Documents providers often ask for, by country:\n"
            "- Colombia: the Temporary Protection Permit (PPT); some providers also accepted "
            "the PEP, and the foreigner's ID card (cédula de extranjería).\n"
            "- Peru: the Temporary Stay Permit card (CPP) or the foreigner's card (carné de "
            "extranjería).\n"
            "- Ecuador: the visa (for example the VIRTE visa) and the Ecuadorian ID card you "
            "can obtain with it.\n"
            "- In several countries, the passport, sometimes even when it has expired.\n\n"
            "Rules change and each provider decides, so before you go:\n"
            "- Ask by phone or on the provider's website which documents it accepts.\n"
            "- Ask about simplified or low-balance accounts: they have fewer requirements and "
            "often no monthly fee.\n"
            "- Bring your valid document, a phone number in your own name and, if asked, a "
            "utility bill with your address.\n\n"
            "If you are turned down, ask for the reason in writing and try another provider: "
            "cooperatives, microfinance institutions or mobile wallets may have different "
            "requirements. Impulsa's directory helps you find options in your country that "
            "accept your document.",
            "Ter uma conta permite guardar dinheiro com segurança, receber pagamentos e "
            "construir um histórico para conseguir créditos mais baratos. Muitas pessoas "
            "migrantes acham que não podem abrir uma, mas muitas vezes podem com o documento "
            "que já têm.\n\n"
            "Documentos que as instituições costumam pedir, por país:\n"
            "- Colômbia: a Permissão por Proteção Temporária (PPT); algumas instituições "
            "aceitaram também a PEP, e a cédula de estrangeiro.\n"
            "- Peru: a Carteira de Permissão Temporária de Permanência (CPP) ou a carteira de "
            "estrangeiro.\n"
            "- Equador: o visto (por exemplo o visto VIRTE) e a cédula equatoriana obtida com "
            "ele.\n"
            "- Em vários países, o passaporte, às vezes mesmo vencido.\n\n"
            "As regras mudam e cada instituição decide, então antes de ir:\n"
            "- Pergunte por telefone ou no site da instituição quais documentos aceita.\n"
            "- Pergunte por contas simplificadas ou de baixo valor: pedem menos requisitos e "
            "costumam não cobrar tarifa de manutenção.\n"
            "- Leve o documento válido, um número de celular em seu nome e, se pedirem, uma "
            "conta de luz ou água com o seu endereço.\n\n"
            "Se disserem não, peça o motivo por escrito e tente outra instituição: "
            "cooperativas, microfinanceiras ou carteiras digitais podem ter outros requisitos. "
            "O diretório do Impulsa ajuda a encontrar opções no seu país que aceitam o seu "
            "documento.",
        ),
        "questions": [
            question(
                t(
                    "¿Qué conviene hacer antes de ir a abrir una cuenta?",
                    "What is worth doing before you go to open an account?",
                    "O que vale a pena fazer antes de ir abrir uma conta?",
                ),
                choice(
                    True,
                    t(
                        "Preguntar qué documentos acepta la entidad",
                        "Ask which documents the provider accepts",
                        "Perguntar quais documentos a instituição aceita",
                    ),
                    t(
                        "Correcto: cada entidad decide y las reglas cambian; preguntar ahorra "
                        "viajes.",
                        "Right: each provider decides and rules change; asking saves wasted trips.",
                        "Certo: cada instituição decide e as regras mudam; perguntar evita "
                        "viagens perdidas.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Nada: sin cédula nacional no se puede",
                        "Nothing: without a national ID card it is impossible",
                        "Nada: sem documento nacional não dá",
                    ),
                    t(
                        "No es así: muchas entidades aceptan documentos de personas migrantes.",
                        "That is not so: many providers accept migrants' documents.",
                        "Não é assim: muitas instituições aceitam documentos de migrantes.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Pedir a un conocido que abra la cuenta por ti",
                        "Ask an acquaintance to open the account for you",
                        "Pedir a um conhecido para abrir a conta por você",
                    ),
                    t(
                        "La cuenta quedaría a su nombre: el dinero sería legalmente suyo.",
                        "The account would be in their name: the money would legally be theirs.",
                        "A conta ficaria no nome dele: o dinheiro seria legalmente dele.",
                    ),
                ),
            ),
            question(
                t(
                    "Una entidad te dice que no puede abrirte una cuenta. ¿Qué haces?",
                    "A provider says it cannot open an account for you. What do you do?",
                    "Uma instituição diz que não pode abrir uma conta para você. O que faz?",
                ),
                choice(
                    True,
                    t(
                        "Pido el motivo por escrito y pruebo en otra entidad",
                        "I ask for the reason in writing and try another provider",
                        "Peço o motivo por escrito e tento outra instituição",
                    ),
                    t(
                        "Correcto: los requisitos varían entre bancos, cooperativas y billeteras.",
                        "Right: requirements differ between banks, cooperatives and wallets.",
                        "Certo: os requisitos variam entre bancos, cooperativas e carteiras.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Me rindo: ninguna me va a aceptar",
                        "I give up: none will accept me",
                        "Desisto: nenhuma vai me aceitar",
                    ),
                    t(
                        "Una negativa no es la última palabra; otras entidades pueden aceptarte.",
                        "One refusal is not the last word; other providers may accept you.",
                        "Uma recusa não é a palavra final; outras instituições podem aceitar.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Le pago a un tramitador que promete abrirla",
                        "I pay a fixer who promises to open it",
                        "Pago um despachante que promete abrir",
                    ),
                    t(
                        "Abrir una cuenta no requiere intermediarios; suelen ser estafas.",
                        "Opening an account needs no middleman; these offers are often scams.",
                        "Abrir uma conta não exige intermediários; costumam ser golpes.",
                    ),
                ),
            ),
            question(
                t(
                    "¿Qué tipo de cuenta suele pedir menos requisitos?",
                    "Which kind of account usually has fewer requirements?",
                    "Que tipo de conta costuma pedir menos requisitos?",
                ),
                choice(
                    True,
                    t(
                        "Una cuenta simplificada o de bajo monto",
                        "A simplified or low-balance account",
                        "Uma conta simplificada ou de baixo valor",
                    ),
                    t(
                        "Correcto: están pensadas para quien abre su primera cuenta.",
                        "Right: they are designed for people opening their first account.",
                        "Certo: são pensadas para quem abre a primeira conta.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Una cuenta empresarial grande",
                        "A large business account",
                        "Uma conta empresarial grande",
                    ),
                    t(
                        "Las cuentas empresariales suelen pedir más documentos, no menos.",
                        "Business accounts usually ask for more documents, not fewer.",
                        "Contas empresariais costumam pedir mais documentos, não menos.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Una cuenta en otro país",
                        "An account in another country",
                        "Uma conta em outro país",
                    ),
                    t(
                        "Para tu vida diaria necesitas una cuenta donde vives y trabajas.",
                        "For daily life you need an account where you live and work.",
                        "Para o dia a dia você precisa de uma conta onde vive e trabalha.",
                    ),
                ),
                knowledge_test=True,
            ),
        ],
    }
)

# 8 --------------------------------------------------------------------------------------------
LESSONS.append(
    {
        "slug": "fraud-and-rights",
        "title": t(
            "Fraudes, estafas y tus derechos como consumidor",
            "Fraud, scams and your rights as a consumer",
            "Fraudes, golpes e os seus direitos como consumidor",
        ),
        "body": t(
            "Las estafas cambian de forma, pero casi siempre tienen señales parecidas:\n"
            "- Te piden una clave, un código que llegó por mensaje o los datos de tu tarjeta. "
            "Ninguna entidad seria te los pide, ni por teléfono ni por chat.\n"
            "- Te ofrecen un préstamo «aprobado» a cambio de un pago por adelantado.\n"
            "- Te prometen ganancias altas y seguras si invitas a más personas.\n"
            "- Te apuran: «es hoy o nunca», «tu cuenta se bloqueará».\n"
            "- Te ofrecen trámites migratorios o permisos a cambio de dinero.\n\n"
            "Si dudas, cuelga y llama tú al número oficial de la entidad. Si ya diste datos, "
            "bloquea la cuenta de inmediato y cambia tus claves.\n\n"
            "Como cliente de una entidad financiera tienes derechos, también si eres "
            "migrante:\n"
            "- Recibir información clara sobre tasas, cobros y condiciones antes de firmar.\n"
            "- Recibir copia del contrato y de los pagos que haces.\n"
            "- Presentar un reclamo y recibir respuesta en un plazo fijado.\n"
            "- Ser tratado sin discriminación por tu nacionalidad.\n\n"
            "Primero reclama ante la propia entidad y guarda el número de radicado. Si no te "
            "responden o no estás de acuerdo, acude al supervisor financiero de tu país: la "
            "Superintendencia Financiera en Colombia, la SBS en Perú, la Superintendencia de "
            "Bancos en Ecuador, o a la autoridad de protección al consumidor.",
            "Scams change shape, but they almost always show similar signs:\n"
            "- They ask for a PIN, a code that came by text message, or your card details. No "
            "serious provider asks for these, by phone or by chat.\n"
            '- They offer you an "approved" loan in exchange for an advance payment.\n'
            "- They promise high, safe profits if you bring in more people.\n"
            '- They rush you: "today or never", "your account will be blocked".\n'
            "- They offer migration paperwork or permits for money.\n\n"
            "If in doubt, hang up and call the provider's official number yourself. If you "
            "already gave out details, block the account at once and change your passwords.\n\n"
            "As a customer of a financial provider you have rights, also as a migrant:\n"
            "- Clear information about rates, charges and conditions before you sign.\n"
            "- A copy of the contract and of the payments you make.\n"
            "- To file a complaint and get an answer within a set time.\n"
            "- To be treated without discrimination because of your nationality.\n\n"
            "Complain to the provider first and keep the complaint number. If they do not "
            "answer or you disagree, go to your country's financial supervisor: the "
            "Superintendencia Financiera in Colombia, the SBS in Peru, the Superintendencia "
            "de Bancos in Ecuador, or to the consumer protection authority.",
            "Os golpes mudam de forma, mas quase sempre têm sinais parecidos:\n"
            "- Pedem uma senha, um código que chegou por mensagem ou os dados do seu cartão. "
            "Nenhuma instituição séria pede isso, nem por telefone nem por chat.\n"
            "- Oferecem um empréstimo «aprovado» em troca de um pagamento adiantado.\n"
            "- Prometem lucros altos e garantidos se você trouxer mais pessoas.\n"
            "- Apressam você: «é hoje ou nunca», «sua conta será bloqueada».\n"
            "- Oferecem documentos migratórios ou permissões em troca de dinheiro.\n\n"
            "Se tiver dúvida, desligue e ligue você mesmo para o número oficial da "
            "instituição. Se já passou dados, bloqueie a conta na hora e troque as senhas.\n\n"
            "Como cliente de uma instituição financeira você tem direitos, também sendo "
            "migrante:\n"
            "- Receber informação clara sobre taxas, tarifas e condições antes de assinar.\n"
            "- Receber cópia do contrato e dos pagamentos que faz.\n"
            "- Apresentar uma reclamação e receber resposta num prazo definido.\n"
            "- Ser tratado sem discriminação pela sua nacionalidade.\n\n"
            "Reclame primeiro na própria instituição e guarde o número de protocolo. Se não "
            "responderem ou você não concordar, procure o supervisor financeiro do seu país: a "
            "Superintendencia Financiera na Colômbia, a SBS no Peru, a Superintendencia de "
            "Bancos no Equador, ou o órgão de defesa do consumidor.",
        ),
        "questions": [
            question(
                t(
                    "Te llaman «del banco» y te piden el código que te llegó por mensaje. ¿Qué "
                    "haces?",
                    'Someone calls "from the bank" and asks for the code you got by text. What '
                    "do you do?",
                    "Alguém liga «do banco» e pede o código que chegou por mensagem. O que você "
                    "faz?",
                ),
                choice(
                    True,
                    t(
                        "Cuelgo y llamo yo al número oficial",
                        "I hang up and call the official number myself",
                        "Desligo e ligo eu mesmo para o número oficial",
                    ),
                    t(
                        "Correcto: ninguna entidad seria pide ese código; es una estafa.",
                        "Right: no serious provider asks for that code; it is a scam.",
                        "Certo: nenhuma instituição séria pede esse código; é golpe.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Se lo doy, si dice ser del banco",
                        "I give it, if they say they are from the bank",
                        "Passo, se disser que é do banco",
                    ),
                    t(
                        "Con ese código pueden entrar a tu cuenta y vaciarla.",
                        "With that code they can get into your account and empty it.",
                        "Com esse código podem entrar na sua conta e esvaziá-la.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Le doy solo la mitad del código",
                        "I give only half of the code",
                        "Passo só metade do código",
                    ),
                    t(
                        "No compartas ninguna parte de tus claves o códigos.",
                        "Do not share any part of your PINs or codes.",
                        "Não compartilhe nenhuma parte das suas senhas ou códigos.",
                    ),
                ),
            ),
            question(
                t(
                    "Te ofrecen un préstamo ya aprobado si pagas primero un «seguro». ¿Qué es?",
                    'You are offered an already approved loan if you first pay for "insurance". '
                    "What is it?",
                    "Oferecem um empréstimo já aprovado se você pagar antes um «seguro». O que "
                    "é isso?",
                ),
                choice(
                    True,
                    t(
                        "Una señal típica de estafa",
                        "A typical sign of a scam",
                        "Um sinal típico de golpe",
                    ),
                    t(
                        "Correcto: pedir un pago por adelantado para prestar es una estafa común.",
                        "Right: asking for payment up front to lend is a common scam.",
                        "Certo: pedir pagamento adiantado para emprestar é um golpe comum.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Un trámite normal de los bancos",
                        "Normal bank procedure",
                        "Um procedimento normal dos bancos",
                    ),
                    t(
                        "Los costos de un crédito real se descuentan o se pactan por escrito, no "
                        "se pagan antes a un desconocido.",
                        "The costs of a real loan are deducted or agreed in writing, not paid "
                        "beforehand to a stranger.",
                        "Os custos de um crédito real são descontados ou acordados por escrito, "
                        "não pagos antes a um desconhecido.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "Una oferta para aprovechar rápido",
                        "An offer to grab quickly",
                        "Uma oferta para aproveitar rápido",
                    ),
                    t(
                        "La prisa es otra señal de estafa; tómate tu tiempo.",
                        "Pressure to hurry is another sign of a scam; take your time.",
                        "A pressa é outro sinal de golpe; não tenha pressa.",
                    ),
                ),
            ),
            question(
                t(
                    "Tu reclamo ante una entidad financiera no recibe respuesta. ¿A dónde vas?",
                    "Your complaint to a financial provider gets no answer. Where do you go?",
                    "A sua reclamação a uma instituição financeira não tem resposta. Aonde você "
                    "vai?",
                ),
                choice(
                    True,
                    t(
                        "Al supervisor financiero de tu país",
                        "To your country's financial supervisor",
                        "Ao supervisor financeiro do seu país",
                    ),
                    t(
                        "Correcto: el supervisor atiende reclamos que la entidad no resolvió.",
                        "Right: the supervisor handles complaints the provider did not resolve.",
                        "Certo: o supervisor atende reclamações que a instituição não resolveu.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "A ninguna parte: siendo migrante no tengo derechos",
                        "Nowhere: as a migrant I have no rights",
                        "A lugar nenhum: sendo migrante não tenho direitos",
                    ),
                    t(
                        "Falso: los derechos del consumidor financiero te protegen a ti también.",
                        "Untrue: financial consumer rights protect you too.",
                        "Falso: os direitos do consumidor financeiro também protegem você.",
                    ),
                ),
                choice(
                    False,
                    t(
                        "A las redes sociales, y nada más",
                        "To social media, and nothing else",
                        "Às redes sociais, e nada mais",
                    ),
                    t(
                        "Contarlo puede ayudar a otros, pero el reclamo formal es el que obliga "
                        "a responder.",
                        "Telling others may help them, but a formal complaint is what obliges an "
                        "answer.",
                        "Contar pode ajudar outros, mas a reclamação formal é a que obriga a "
                        "responder.",
                    ),
                ),
                knowledge_test=True,
            ),
        ],
    }
)
