"""Name lists and small vocabularies for the demo generator (written for SIEE; common names in Colombia and
Venezuela, not drawn from any registry of real people)."""

from __future__ import annotations

FEMALE_CO = (
    "María", "Luz", "Ana", "Carmen", "Claudia", "Sandra", "Diana", "Paola", "Andrea", "Carolina", "Natalia",
    "Laura", "Valentina", "Daniela", "Camila", "Juliana", "Catalina", "Marcela", "Adriana", "Patricia", "Gloria",
    "Martha", "Rosa", "Blanca", "Liliana", "Yolanda", "Alejandra", "Viviana", "Lorena", "Johana", "Paula",
    "Angélica", "Mónica", "Sofía", "Isabella", "Mariana", "Gabriela", "Manuela", "Luisa", "Fernanda", "Tatiana",
    "Erika", "Leidy", "Yuliana", "Yeimy", "Dayana", "Marisol", "Nidia", "Esperanza", "Amparo", "Lucía", "Elena",
    "Silvia", "Stella", "Beatriz", "Olga", "Inés", "Jenny", "Karen", "Lina", "Ximena", "Milena", "Nathalia",
    "Sara", "Valeria", "Salomé", "Antonia", "Juana", "Margarita", "Teresa", "Ruth", "Nelly", "Dora", "Mercedes",
    "Elizabeth", "Yaneth", "Astrid", "Ingrid", "Maritza", "Deisy", "Sonia", "Estefanía", "Kelly", "Lizeth",
    "Tania", "Jessica", "Yurany", "Luz Dary", "Luz Marina", "Ana Milena", "María José", "María Fernanda",
    "Ángela", "Consuelo", "Fanny", "Alba", "Edith", "Rocío", "Clara", "Cristina",
)
MALE_CO = (
    "José", "Juan", "Luis", "Carlos", "Jorge", "Andrés", "Diego", "Camilo", "Felipe", "Santiago", "Sebastián",
    "Alejandro", "Daniel", "David", "Miguel", "Ángel", "Fernando", "Javier", "Óscar", "Ricardo", "Jairo", "Édgar",
    "Wilson", "Fabio", "Hernando", "Álvaro", "Mauricio", "Hernán", "Gustavo", "Rafael", "Jaime", "Julián",
    "Nicolás", "Mateo", "Samuel", "Esteban", "Cristian", "Jhon", "Brayan", "Kevin", "Duván", "Yesid", "Jhonatan",
    "Alexander", "Fredy", "William", "Nelson", "Rubén", "Pedro", "Pablo", "Germán", "Eduardo", "Héctor", "Iván",
    "Orlando", "Rodrigo", "Gabriel", "Manuel", "Francisco", "Antonio", "Alberto", "Enrique", "Arturo", "Gilberto",
    "Humberto", "Henry", "Harold", "Efraín", "Libardo", "Luis Alberto", "Juan Carlos", "Juan David", "Juan Pablo",
    "Juan Sebastián", "José Luis", "Carlos Andrés", "Jorge Eliécer", "Emilio", "Martín", "Tomás", "Simón", "Jesús",
    "Víctor", "Ramiro", "Rigoberto", "Leonardo", "Marco", "Elkin", "Arley", "Yeison", "Stiven", "Deiby", "Edwin",
    "Omar", "Raúl", "Sergio", "Mario", "Hugo", "Alonso", "Gonzalo",
)
FEMALE_VE = (
    "Yusmary", "Yorgelis", "Génesis", "Yelitza", "Mariángel", "Oriana", "Daniela", "Andreína", "Yuleidy",
    "Rosángela", "Maryelis", "Yoselin", "Nairobis", "Yenny", "Marbelis", "Keyla", "Yurimar", "Eukaris",
    "Milagros", "Carmen", "María", "Ana", "Luisana", "Fabiola", "Yaritza", "Zulay", "Mayerlin", "Yelimar",
    "Dayana", "Yamileth", "Greisy", "Nathaly", "Wendy", "Maolis", "Yuliannys", "Yorbelis", "Neida", "Belkis",
    "Omaira", "Xiomara", "Rosmery", "Lisbeth", "Yusbelys", "Mariela", "Marlene", "Gladys", "Nelly", "Nohemí",
    "Dayerlin", "Yeraldine",
)
MALE_VE = (
    "Yeferson", "Jhonny", "Wilmer", "Yonaiker", "Eliezer", "Yorman", "Anderson", "Richard", "Freddy", "Luis",
    "José", "Carlos", "Jesús", "Jean Carlos", "Yoiner", "Deivis", "Darwin", "Endrick", "Yordy", "Kleiber",
    "Yusneiber", "Alexis", "Johan", "Leonel", "Ronald", "Ender", "Edixon", "Wilfredo", "Nelson", "Gregorio",
    "Franklin", "Yonathan", "Rafael", "Omar", "Douglas", "Henry", "Argenis", "Nixon", "Jairo", "Reinaldo",
    "Yeiner", "Wuilliams", "Enmanuel", "Juan", "Miguel", "Pedro", "Ángel", "Víctor", "Alí", "Jorge",
)
SURNAMES = (
    "Rodríguez", "Gómez", "González", "Martínez", "García", "López", "Hernández", "Sánchez", "Ramírez", "Pérez",
    "Díaz", "Muñoz", "Rojas", "Moreno", "Jiménez", "Vargas", "Castro", "Gutiérrez", "Álvarez", "Romero", "Ortiz",
    "Suárez", "Torres", "Ruiz", "Herrera", "Mejía", "Quintero", "Parra", "Cárdenas", "Rincón", "Pinzón", "Duarte",
    "Ardila", "Carreño", "Sepúlveda", "Uribe", "Serrano", "Niño", "Pabón", "Jaimes", "Villamizar", "Rueda",
    "Galvis", "Prada", "Mantilla", "Ortega", "Delgado", "Báez", "Velasco", "Medina", "Flórez", "Cáceres",
    "Barajas", "Amaya", "Arenas", "Becerra", "Calderón", "Castellanos", "Contreras", "Cruz", "Espinosa", "Estévez",
    "Fuentes", "Gil", "Guerrero", "Hurtado", "Lozano", "Luna", "Mendoza", "Molina", "Montañez", "Navarro",
    "Osorio", "Peña", "Quiroga", "Reyes", "Ríos", "Salazar", "Sierra", "Silva", "Sosa", "Téllez", "Toloza",
    "Valencia", "Vega", "Zambrano", "Chacón", "Briceño", "Colmenares", "Pacheco", "Ramos", "Acosta", "Aguilar",
    "Blanco", "Bravo", "Cabrera", "Mora", "Paredes", "Urdaneta", "Villegas",
)
STREET_KINDS = ("Calle", "Carrera", "Diagonal", "Transversal", "Avenida")
NEIGHBOURHOODS = (
    "Barrio San Francisco", "Barrio La Concordia", "Barrio Girardot", "Barrio Kennedy", "Barrio El Carmen",
    "Barrio Provenza", "Barrio Cañaveral", "Barrio Lagos", "Barrio Villabel", "Barrio El Poblado",
    "Barrio La Cumbre", "Barrio Café Madrid", "Barrio Bucarica", "Barrio Mutis", "Barrio Alarcón",
    "Barrio El Rocío", "Barrio Cabecera", "Barrio La Feria", "Barrio Rincón de Girón", "Barrio Campo Hermoso",
)
EMAIL_DOMAINS = ("gmail.com", "hotmail.com", "outlook.com", "yahoo.com", "gmail.com", "gmail.com")
COMPANY_PATTERNS = (
    "{s} & {s2} S.A.S.", "Distribuidora {s} S.A.S.", "Inversiones {s} Ltda.", "Restaurante {p}",
    "Panadería {p}", "Construcciones {s} S.A.S.", "Transportes {s} S.A.", "Confecciones {p}", "Ferretería {p}",
    "Comercializadora {s} S.A.S.", "Servicios Integrales {s} S.A.S.", "Clínica {p}", "Supermercado {p}",
    "Metalmecánica {s} S.A.S.", "Hotel {p}", "Logística {s} S.A.S.", "Taller {p}", "Droguería {p}",
    "Aseo y Mantenimiento {s} S.A.S.", "Agroindustrias {s} S.A.",
)
COMPANY_PLACE_WORDS = (
    "El Sabor Santandereano", "La Esquina", "Los Andes", "San Pedro", "El Progreso", "La Ceiba", "Chicamocha",
    "El Buen Pan", "La Estrella", "Santa Lucía", "Oriente", "Del Parque", "La 33", "El Cacique", "Real",
    "Central", "La Montaña", "Guane", "Comuneros", "Del Sol",
)
# Weights of CIIU divisions among the employers that hire through public employment services.
SECTOR_WEIGHTS = {
    "47": 18, "56": 12, "46": 8, "43": 6, "41": 5, "10": 6, "14": 4, "49": 6, "52": 3, "81": 5, "86": 4,
    "85": 3, "55": 3, "45": 4, "25": 2, "01": 3, "96": 2, "82": 2, "80": 2, "62": 1, "68": 1,
}
# ISCO-08 unit groups most often seen in employment-service registrations and vacancies (weight 10 vs 1).
COMMON_ISCO = {
    "5120", "9412", "5223", "5230", "9112", "8322", "8332", "9333", "7115", "7112", "9313", "7212", "7231",
    "5131", "5141", "5414", "4110", "4321", "4222", "4311", "7531", "8153", "9211", "5321", "5311", "3322",
    "3313", "9621", "9329", "7411", "7126", "7131", "7512", "5242", "9111", "5132", "5246", "4225", "4131",
    "8189", "9622", "5322", "9215", "8343", "5153", "5151", "5249", "4412", "3341", "2221", "3221", "7233",
    "7522", "7119", "5142", "5162", "9321", "8160", "3343", "2411", "2512",
}
