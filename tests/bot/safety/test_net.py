"""Tests for the safety net patterns (bot/safety/net.py).

Each list is a set of phrasings a practitioner might really type. Recall on URGENT matters most
(a missed live concern is the worst failure); a false URGENT on clearly retrospective text is the
second worst. Never weaken a phrasing to make it pass: fix the patterns.
"""

from __future__ import annotations

import re
import time

import pytest

from bot.safety import net as safety_module
from bot.safety.net import (
    CHECK_RULES,
    DISTRESS_RULES,
    URGENT_RULES,
    SafetyAssessment,
    Signal,
    assess,
    is_question,
    is_support_question,
    normalise,
)
from bot.safety.rules import Gated

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # Python 3.10
    import sre_parse

# --------------------------------------------------------------------------------------------
# URGENT: a live, current child-protection concern
# --------------------------------------------------------------------------------------------

URGENT_SCHOOL = [
    "a boy in my class says he is scared to go home tonight",
    "a girl has just disclosed her stepdad hits her",
    "a girl in year 9 has just disclosed that her stepdad hits her",
    "pupil told me she's being sexually abused",
    "one of my pupils has come in with a black eye and says dad did it",
    "a year 3 child told me this morning that mum's boyfriend hurt him",
    "a student just told me her uncle touches her",
    "there's a child in reception with burns on his hands and he won't say how he got them",
    "a pupil says she doesn't want to go home because dad will beat her",
    "a child in my class is covered in bruises",
    "nobody has collected a 6 year old from school and we can't reach anyone",
    "a 14 year old girl says she is being forced to have sex with older men",
    "a teenager in my tutor group says he'll kill himself tonight",
    "a student is self harming in the toilets right now",
    "a boy has turned up at school with cuts on his arms and says his mum did it",
    "kid just told me his step dad punches him",
    "a little boy at nursery has a burn mark shaped like a cigarette on his arm",
    "A Year 10 pupil has told me she is frightened of her mum's new boyfriend",
]

URGENT_HOME_HEALTH = [
    "there's a baby with bruises at the house I'm at",
    "I'm on a home visit and the baby has a bruise on her cheek",
    "on a home visit now, mum is drunk and the baby is alone upstairs",
    "dad turned up drunk to collect the baby",
    "the baby has a swollen head and mum says he fell off the sofa",
    "health visitor here, the 8 week old has a bruise on his ear",
    "I can hear shouting and a child screaming in the house I'm visiting",
    "mum just told me dad threatened to kill the kids",
    "mum says her ex is outside the house with a knife and the children are inside",
    "a newborn is not breathing properly and mum won't call an ambulance",
    "baby brought into A&E with a fractured arm and the parents have no explanation",
    "a mum in clinic told me her partner strangled her in front of the children",
    "the 4 month old has bruising on his chest and dad is being aggressive with me",
    "I've just seen finger tip marks on the baby's arms",
    "parents refusing to let me see the baby who has a suspected fracture",
    "midwife here, mum says her partner will hurt the baby when it's born",
]

URGENT_POLICE = [
    "attending a domestic now and there are two kids in the house",
    "i'm at a DA incident and the perpetrator has taken the child",
    "a 12 year old has gone missing from care tonight",
    "i'm a police officer at an address where a toddler has a head injury",
    "dad has taken the baby and won't bring him back",
    "just found out a registered sex offender is living with a family with young children",
    "the suspect is at the house with the kids right now",
    "a 4 year old was found wandering the street on his own just now",
]

URGENT_GENERAL = [
    "I'm worried about a child right now",
    "he said he's going to hurt her tonight",
    "a child is in danger",
    "i need to make an urgent referral",
    "i need to report a child protection concern",
    "teenager says he'll kill himself tonight",
    "toddler left home alone right now",
    "dad threatened to kill the kids",
    "i think a child is being abused",
    "someone is hurting a child",
    "there is a child at immediate risk of significant harm",
    "I have a child protection concern about a family I visited today",
    "what do I do, a boy has just told me his dad hit him with a belt",
    "how do i contact spoa, a boy in my class says he is scared to go home tonight",
    "mum's partner is hitting the kids as we speak",
    "a girl disclosed rape to me an hour ago",
    "the child says she is frightened of her mum's new boyfriend",
    "a 15 year old told me she has taken an overdose",
    "a young person has just sent me a message saying goodbye and that they have taken pills",
    "dad admitted shaking the baby",
    "a child has disclosed that she is being hit at home",
    "the kids are home alone and mum hasn't come back",
    "i'm with a family and dad is threatening to hurt the baby",
    "dad said he would kill the baby if mum left him",
    "a child in my care has been hit by her parent",
    "a young person is threatening to jump off the bridge",
    "there's a baby crying alone in a car in the car park",
    "I'm really worried about one of my pupils",
    "I need urgent safeguarding advice",
    "i have a little girl here with me who says her dad hurts her, what should i do",
    "the children are not safe at home",
    "i need to refer this family",
]

URGENT_LOWERCASE_TYPOS = [
    "boy in my class is scard to go home tonite",
    "theres a baby with brusies at the house im at",
    "im worried about a kid rite now",
    "CHILD IS IN DANGER",
    "pls help kid says stepdad hurt her last night",
    "a girl has just discolsed abuse",
    "dad threatend to kill the childern",
    "i think shes bein abused",
    "toddler home alone rite now mum gone out",
    "teenager says hes gonna kill himself 2nite",
    "kid in my class has brusing on his neck",
    "a boy told me his dads been hitting him",
    "child says shes scared of her stepdad and doesnt want to go home",
    "he said hell hurt her tonite",
]

URGENT_LONG_AND_MIXED = [
    # long (around 40 words)
    "Sorry to bother you, I know this bot is for reflecting on the Child Z review, but I am a "
    "health visitor and I'm at a house right now where the baby has a bruise on his face and "
    "mum's new partner is here.",
    "I wasn't sure where else to put this but one of the girls in my form group stayed behind "
    "after registration and told me that her mum's boyfriend has been coming into her room at "
    "night and touching her, and she is scared to go home tonight.",
    "We were talking in our team meeting about information sharing and how hard it is, and "
    "then my phone went and it was a neighbour saying the children next door have been left "
    "alone since yesterday and nobody has come back for them.",
    # mentions the past, but there is a present danger
    "In a case last year we missed a risky adult, and I'm worried it's happening again: a girl "
    "in my class has just told me her mum's new boyfriend hits her.",
    "we had a family like this before but right now the dad is outside the school threatening "
    "to take the child",
    "Looking back at Child Z makes me think of a family I'm working with now where dad is "
    "violent and the baby has bruises",
    "previously I would have waited, but a child has just disclosed abuse to me, what should I do",
    "Adult A is at the house with the baby right now",
    "years ago I had a case like this and now a boy is being hit by his stepdad",
    "when I worked in MASH we saw this a lot, but today a toddler came into nursery with a "
    "burn on his hand",
    # the review is mentioned, but the concern is in the present tense
    "This briefing reminds me - a girl in my class told me her mum's boyfriend hits her",
    "I should have called already, a child disclosed to me that her dad hits her",
    "Reading the review made me realise a boy I teach says he is scared of his stepdad",
    "in a case last year the mum told us her ex will kill her if she leaves, and now he is back "
    "with her and the kids",
    "Child Z reminds me of a toddler I visit whose mum says her partner will hurt him",
]

URGENT_MORE = [
    # phrasings the intent classifier is trained on but the first pattern set missed
    "need to make a referral urgently",
    "urgent concern about a child",
    "safeguarding emergency",
    "safegaurding concern, need to act now",
    "i need to report abuse happening now",
    "child protection concern right now, who do I call",
    "who do i ring right now about a child at risk",
    "i need help now, a child has just told me something really serious",
    "there's a man at the school gate who the police told us shouldn't be near children and he's "
    "trying to collect [NAME]",
    "just attended a DA incident and the children are still in the house with him",
    "urgent - baby not breathing properly and mum won't call an ambulance",
    "a child just rang me saying mummy won't wake up",
    "just had a disclosure from a 12 year old about being abused at home what do I do",
    "a violent ex-partner with a history of DA has moved back in with mum and the baby today and "
    "I'm really worried",
    "a 2 yr old has wandered out of the house onto the road and there are no adults around",
    "on a DA call out now, perpetrator is known for violence and there's a baby in the cot "
    "upstairs",
    # more phrasings: exploitation, neglect, FGM, online harm, placeholders
    "a child told me today that her dad hits her mum and her",
    "girl in yr 8 says her brother has been touching her",
    "i'm really concerned about a baby i saw on a visit this morning",
    "the toddler has unexplained bruising on his face",
    "a young person told me he is going to kill himself",
    "16 year old says she has been raped",
    "there is a man with a knife at the school gate",
    "mum said she is going to kill herself and the baby",
    "dad punched mum in front of the kids last night",
    "child turned up at school with a black eye",
    "my student is being groomed online",
    "a 10 year old told me her dad locks her in her room without food",
    "i'm worried about the twins i visited, mum was drunk and the flat was filthy",
    "baby has a bleed on the brain and parents cant explain it",
    "i think the kids are being neglected, there's no food in the house and the baby is filthy",
    "police here, 3 children found alone in a flat with no adults",
    "there is a child at the door saying she has nowhere to go and is scared of her dad",
    "a 13 year old is being sexually exploited by older men",
    "the boy says his dad will kill him if he tells anyone",
    "mum's new partner is a schedule 1 offender and he's living with the kids",
    "i am with a child who has just told me she was hit with a belt",
    "she says shes scared to go home cos her dad will hurt her",
    "a girl in my class keeps saying she wants to die",
    "a child is at risk of significant harm",
    "my pupil has cigarette burns on her arms",
    "a baby was brought in with a skull fracture and dad's story doesn't add up",
    "child disclosed sexual abuse to me during a lesson",
    "a 7 year old has been left at school and no one has picked her up",
    "the baby is unresponsive and mum is asleep",
    "teen has cut herself badly and is bleeding",
    "dad is threatening to take the kids abroad",
    "a pupil told me his stepdad throws things at him",
    "girl 12 said her mums boyfriend makes her watch porn",
    "a boy keeps coming to school hungry and with marks on his neck",
    "there's been a stabbing and the victim is 15",
    "mum's ex has just turned up at the house and the children are there",
    "the baby keeps crying and dad is shouting that he'll shut it up for good",
    "i'm at a house where there's a 2 year old with a burn on his leg",
    "I'm a teacher and I'm worried about a child in my class",
    "a child told me she has been sleeping in a car with her mum who has been beaten by her "
    "boyfriend",
    "a child on my caseload has just rung me crying saying dad is hitting mum",
    "help a kid in my class has a massive bruise on his back",
    "the baby's 6 weeks old and has a bruise on his leg",
    "a girl in year 11 is pregnant by her 30 year old boyfriend",
    "14 yr old says her boyfriend who is 25 makes her have sex",
    "there are 3 kids in the house and dad is passed out drunk",
    "a boy came to school today with a bloody nose and won't talk about it",
    "the teenager I'm working with has run away from home and is staying with an older man",
    "a mum told me she leaves her 3 year old alone while she goes to work",
    "my student said her dad strangled her last weekend",
    "child has told me they are being sent abroad to get married",
    "Can you help, I think a baby is being shaken by his dad",
    "a girl told me she was touched by her grandad over the weekend",
    "a 9 year old keeps running away and says her mum's boyfriend hurts her",
    "i just saw a dad kick his toddler outside the shop",
    "the 2 year old has a burn on his bottom and nobody can explain it",
    "there's a child at the school office with blood on her clothes and she won't say what "
    "happened",
    "a young person has told me she's being trafficked",
    "a teenager says she is being made to carry drugs for older boys",
    "a boy told me his mum hits him with a wooden spoon",
    "baby seems floppy and won't wake up and parents seem high",
    "my pupil says she's going to run away tonight because her dad hits her",
    "a child has disclosed FGM",
    "a girl is worried she is going to be taken abroad for FGM this summer",
    "dad is refusing to let me see the kids and I can hear one of them crying",
    "dad is shouting at the baby and shaking the cot",
    "mum texted me saying she can't cope and is going to hurt the baby",
    "the children's dad was released from prison today and he's threatened to come for them",
    "15 year old sent nudes to a man she met online and he's threatening to share them",
    "i found out a staff member has been messaging a pupil inappropriately",
    "[NAME] told me her dad hits her",
    "[NAME] has bruises on his arms and says [NAME] did it",
    "I'm at [ADDRESS] and the baby has a head injury",
    "a child in my class has said her step mum burns her with a lighter",
    "my year 6 pupil says there is no food at home and mum has been gone for 2 days",
    "toddler found on the main road on his own",
    "a kid told me he gets beaten if he wets the bed",
    "Girl aged 13 told staff she's been having sex with a 19 year old",
    "i think dad has been hurting the baby",
    "a child's parent has arrived at school to collect her and is clearly intoxicated",
    "im on a visit and theres a 3 month old with a black eye",
    "the boy is covered in cuts and bruises",
    "help please a teenager says she's taken 30 paracetamol",
    "a child in my class says she wants to kill herself",
    "mums boyfriend is sleeping in the same bed as her 12 year old daughter and she says he "
    "touches her",
    "just had a call from a young person who says her dad is going to kill her",
    "my friend's child is being hurt by her mum's partner",
    "a child disclosed to me this afternoon",
    "i'm with a young person who says they want to end their life",
    "the baby has stopped breathing",
    "dad has locked the kids in the bedroom",
    "she said her uncle made her do things she didnt like",
    "a child just told me shes being hit by her mum every day",
    "I am worried about a child in my school who has come in with a broken wrist and a story "
    "that doesn't add up",
    "nursery child has a bite mark on her arm and it looks like an adult bite",
    "a boy said his mums new boyfriend hits him when mum is at work",
    "The girl says her stepfather comes into her room at night",
    "a pupil confided that her parents beat her",
    "A neighbour rang to say the children next door are screaming and she can hear a man shouting",
    "dad's threatened to kill mum and the kids if she goes to the police",
    # a young person's crisis is URGENT, not the practitioner's own crisis
    "a 14 year old in my class says she wants to end it all",
    "my pupil says there is no point in living",
    "she said she would be better off dead",
    # habitual or specific present tense is a live concern
    "the lesson for me is that I need to call spoa now about a boy with bruises",
    "the baby always has bruises when I visit",
    "a girl who I teach says her dad hits her",
    "he always hits her when he drinks and the kids are there",
    # a vague but current worry about a particular family
    "something feels really off with a family I saw and I don't know what to do",
    "I have a really bad feeling about the family I visited",
]


URGENT_CASES = (
    URGENT_SCHOOL
    + URGENT_HOME_HEALTH
    + URGENT_POLICE
    + URGENT_GENERAL
    + URGENT_LOWERCASE_TYPOS
    + URGENT_LONG_AND_MIXED
    + URGENT_MORE
)

# --------------------------------------------------------------------------------------------
# DISTRESS: the practitioner's own distress (and crisis)
# --------------------------------------------------------------------------------------------

DISTRESS_CASES = [
    "this case really got to me",
    "I can't stop thinking about it",
    "I'm not coping",
    "I feel overwhelmed",
    "I keep blaming myself",
    "I can't sleep after reading this",
    "it brought back my own experience",
    "I'm burnt out",
    "reading about child z really affected me",
    "this makes me want to cry",
    "it haunts me",
    "i found this really upsetting",
    "cant stop thinking about that baby",
    "im not coping at work",
    "honestly i'm exhausted and drained by all of this",
    "I feel sick reading it",
    "I had a case like this and it still haunts me",
    "i keep crying since i read it",
    "i feel so guilty about a child i worked with",
    "I'm really struggling after reading this",
    "this is too much for me",
    "this has really shaken me",
    "i'm in bits",
    "I'm finding this really hard emotionally",
    "it triggered me",
    "I'm burned out and thinking of leaving",
    "it was distressing to read",
    "I keep having flashbacks to a baby I worked with",
    "i'm really upset",
    "I'm heartbroken reading about him",
    "feeling totally overwhelmed today",
    "i cant cope with this job anymore",
    "this review hit me hard",
    "the case reminds me of my own childhood",
    "I haven't been able to sleep since I read the briefing",
]

DISTRESS_MORE = [
    # more ways of saying it
    "years ago a girl told me she was scared to go home and I still wonder if I did enough",
    "it's stirring up painful memories",
    "feeling really low after reading this",
    "honestly i'm just tired and sad",
    "I'm a bit emotional after that",
    "this is hitting me harder than I expected",
    "that was hard to read about the baby, I've got a toddler the same age",
    "I was involved in a serious case review once and I still feel responsible",
    "I worked with a family like this and I still wonder if I missed something",
    "i keep replaying a home visit in my head",
    "I feel like I'm failing the children on my caseload",
    "I'm scared I'll miss something and a child will die",
    "I feel completely out of my depth",
    "i dread going to work",
    "I don't think I can do this job anymore",
    "i think i need to talk to someone about my wellbeing",
    "this has really stayed with me",
    "i feel terrible about a case i had",
    "i'm exhausted",
    "i've had a really hard week and this has tipped me over",
    "reading this made me feel sick",
    "i can't switch off",
    "i'm struggling with my mental health",
    "it's been a lot, honestly",
    "i'm so stressed",
    "this is bringing up a lot for me",
    "I feel really low after reading this",
    "this case keeps coming back to me",
    "honestly it made me cry",
    "I'm shattered and can't face work",
    "I think I need to talk to someone about how this made me feel",
    "it's a lot to take in and I'm struggling",
    "I was abused as a child and this brought it all back",
    "my heart goes out to that baby and I can't stop crying",
    "I feel like I failed a family I worked with",
    "I've been signed off with stress",
]

DISTRESS_CASES = DISTRESS_CASES + DISTRESS_MORE

CRISIS_CASES = [
    "I want to end it all",
    "I feel like harming myself",
    "i don't want to be here anymore",
    "sometimes I think about killing myself",
    "I feel suicidal",
    "I've been self harming again",
    "i cant go on",
    "there's no point in living",
    "I want to die",
    # no pronoun, or first person: the practitioner
    "honestly no point in living anymore",
    "I would be better off dead",
]

# --------------------------------------------------------------------------------------------
# NONE: reflections on past cases, navigation, general questions, chatter
# --------------------------------------------------------------------------------------------

NONE_RETROSPECTIVE = [
    "in a case last year I didn't share information with dad",
    "we had a family where dad was violent and we didn't assess him",
    "previously I would have accepted mum's word",
    "Child Z was 18 months when he died",
    "the review found information was not shared",
    "when I worked in MASH we often missed risky adults",
    "years ago I had a case where a child disclosed abuse and nobody believed her",
    "looking back, we should have assessed the stepdad",
    "in hindsight the baby with bruises should have been seen by a paediatrician",
    "Adult A had a history of violence that wasn't shared with the parents",
    "we had a case where dad threatened to kill the children and police didn't tell mum",
    "I used to think separation ended domestic abuse",
    "in a case I worked on, a girl disclosed she was being abused by her stepdad and we didn't "
    "act fast enough",
    "had a case where the child was left home alone for days and nobody shared it",
    "the review says there was no process for a joint disclosure",
    "Child Z died of a non-accidental head injury",
    "Adult A's child had been removed because of safeguarding concerns",
    "in my last job we had a child with unexplained bruises and we didn't share it with dad",
    "a few years ago a teenager I worked with said he would kill himself and we learned a lot "
    "about safety planning",
    "looking back at Child Z, the contact arrangements should have been reviewed",
    "when I was in the police we often didn't share information with the other parent",
    "previously we relied on mum to protect the children from her ex",
    "in hindsight we should have done a joint disclosure",
    "back in 2019 we had a baby with a fractured skull and nobody spoke to dad",
    "in my experience separated mums are often at higher risk",
    "in a case last year mum was not coping and we didn't assess dad",
    "we once had a family where the kids were scared to go home and it took weeks to act",
    "Adult A was known to police for violence",
    "the baby in the review died of a head injury",
    "when I worked in early help a dad threatened to hurt the baby and we only told mum",
    "in hindsight the police and children's social care should have done a joint disclosure",
    "the review highlighted that dad was never told about Adult A's background",
    # present tense or reported speech inside a clearly past frame
    "we had a family where dad hits mum in front of the kids and we never told the school",
    "in a case last year the mum told us her ex will kill her if she leaves",
    "in a case last year dad threatened to kill the kids, now the procedure is clearer",
    "in a case last year dad threatened to kill the kids and now we always tell mum",
    "the review found that Adult A had threatened to kill his previous partner",
    "in a case years ago a boy had bruises on his back and nobody asked dad",
    "I remember a toddler who was left home alone for hours, it took us weeks to act",
    "looking back, the girl said she was scared of her stepdad and we did not act",
]

NONE_NAVIGATION = [
    "next",
    "tell me about information sharing",
    "what's the SPoA number",
    "procedures",
    "back",
    "repeat that",
    "skip",
    "stop",
    "menu",
    "help",
    "what is an LCSPR",
    "what happened to Child Z",
    "show me the key learning",
    "what were the recommendations",
    "what action has been taken since the review",
    "I'd like to add a reflection",
    "start a group session",
    "save",
    "edit",
    "discard",
    "Police",
    "Children's Social Care",
    "prefer not to say",
    "resume later",
    "point 2",
    "/start_discussion",
]

NONE_GENERAL_QUESTIONS = [
    "how do I contact SPoA",
    "what are SPoA's opening hours",
    "what's the out of hours number",
    "when should I call 999",
    "what do I do if a child discloses abuse",
    "how do I make a referral to children's social care",
    "what is the threshold for a section 47 enquiry",
    "how do I share information with a parent about a risky adult",
    "where can I find the Pan Sussex procedures",
    "what training is available on domestic abuse",
    "what should I do if I think a child is at risk from a parent's new partner",
    "how do I assess risk from a violent adult outside the family home",
    "can you explain the legacy of domestic abuse",
    "what would you do if dad threatened to hurt the children?",
    "how do I report a concern about a child",
    "how do I support a child who discloses abuse",
    "should I call SPoA if a baby has bruises?",
    "what's the emergency duty service number",
]

NONE_DISCUSSION_AND_REFLECTION = [
    # the four discussion points from the briefing
    "How do you manage situations where there are potential risks posed by other adults "
    "involved with the child/family?",
    "How do you consider the legacy of domestic abuse in your work with families?",
    "How do you consider fathers, partners and other significant adults in assessments "
    "addressing the needs and welfare of children?",
    "When was the last time you used the Pan Sussex Child Protection and Procedures Manual?",
    # reflections without explicit past markers
    "I think we need to ask about new partners more",
    "our team doesn't always include fathers in assessments",
    "we should review contact arrangements when parents separate",
    "I don't rely on mum to protect the children anymore",
    "I last used the procedures manual about six months ago",
    "domestic abuse doesn't stop when parents separate",
    "Separated women are at particularly high risk and so therefore are their children",
    "I'll make sure I check background information before visits",
    "fathers are often invisible in our assessments",
    "the joint disclosure process would really help our team",
    "risky adults who aren't violent towards children are still a risk",
    "today's team meeting was about this briefing",
    "I'm going to discuss this in supervision tonight",
    "i'm worried we don't share information with dads",
    "I'm concerned about how agencies work together",
    "children who are exposed to domestic abuse often don't disclose it",
    "non-mobile babies with bruising should always be seen by a paediatrician",
    "Research tells us that parental separation does not guarantee an end to domestic abuse",
    "we need better links between SPoA, legal services and the social worker",
    "I'm concerned about how we assess children's needs when a new partner moves in",
    "contact with dad can be a way for abuse to continue",
]

NONE_CHATTER = [
    "hello",
    "thanks",
    "what's the weather like",
    "tell me a joke",
    "who made you",
    "ok",
    "bye",
    "I'm a health visitor",
    "good morning",
    "my manager asked me to do this",
    "is this anonymous?",
]

NONE_MORE = [
    # more reflections, including long ones that mention harm in the past
    "in a case years ago the baby had bruises and we didn't ask dad",
    "we had a family where the stepdad hit the children and nobody told dad",
    "looking back I think the girl was being groomed and we missed it",
    "the review says Adult A had threatened to kill a previous partner",
    "previously a child disclosed abuse to me and I didn't know the procedure",
    "when I worked in school a boy told me his dad hit him and I referred it",
    "in my previous role we saw lots of babies with bruising",
    "Child Z had a head injury and died",
    "in hindsight mum was scared of Adult A",
    "the lcspr found that dad was not told about the risk",
    "I used to work with a family where the kids were left home alone",
    "back then we didn't assess risk from new partners",
    "in a case I worked on, mum's boyfriend was a schedule 1 offender living with the children",
    "we had a case where a teenager went missing from care repeatedly",
    "how do we make sure fathers are included",
    "what counts as significant harm",
    "should we tell mum about her new partner's history",
    "what is the process for a joint disclosure to parents",
    "if a child tells me they're being abused, who do I call?",
    "what happens if I think a parent's new partner is dangerous",
    "the recommendations seem sensible",
    "I agree that training on domestic abuse should be refreshed",
    "dads are often left out of assessments",
    "information sharing with parents is a real grey area",
    "thanks, that was helpful",
    "can I save this for later",
    "I'm a social worker in the children in care team",
    "our team discussed the risk posed by violent ex partners",
    "I'll bring this to my next supervision",
    "we now always ask mums about new partners",
    "the power imbalance continues after separation",
    "it's important to ask about the level, frequency and history of violence",
    "When did you last use the procedures manual? About a year ago",
    "the discussion point about fathers was really useful",
    "we never really had a process for three way conversations with legal",
    "the police have a role in disclosing information to parents",
    "Adult A's history should have been shared with both parents",
    "I think Child Z's dad should have been told",
    "in the review, the child was 18 months old",
    "when we reflected on this as a team we talked about how dads are missed",
    "in a previous case a girl told me her stepdad hit her and I learned to record it verbatim",
    "I had a family years back where the baby had a fracture and it was NAI",
    "The case reminded me of a child I worked with in 2018 who was left alone a lot",
    "I remember a boy who was scared to go home, years ago now",
    "what's the best way to ask about new partners on a home visit",
    "is there training on assessing risky adults",
    "how should we record a disclosure",
    "we don't always check police records for new partners",
    "I've used the procedures manual twice this year",
    "in this case the mum was not told about adult A's history",
    "what do you think about the recommendation on fathers",
    "our MASH team has improved a lot since the review",
    "the bit about separation was eye opening",
    "it's hard to share information with parents without consent",
    "I'd like to know more about Clare's Law",
    "previously adult A's child was removed",
    "can you tell me more about the legacy of domestic abuse",
    "I'd never thought about risk from adults outside the home before",
    "dad was never invited to the child protection conference in our case",
    "My reflection: in Child Z's case the information about Adult A was held by police but "
    "never shared with mum or dad, and I think our agency would also have struggled to know "
    "whether we were allowed to share it.",
    "When I was a health visitor in another county we had a baby whose mum's new partner had "
    "convictions for violence, and we never told dad because we assumed it wasn't our place.",
    "Looking back on cases I've had, we focus on mum and the children and forget the men who "
    "come and go.",
    "We had a case where the stepdad threatened to hurt the baby and the police knew but "
    "nobody told the school.",
    "Years ago a boy in my class disclosed that his dad hit him, and I learned how important "
    "it is to write down his exact words.",
    "In a case last year the child was in danger from mum's ex and we didn't share it.",
    "previously when a child told me they were scared of dad I would have just passed it on",
    "I think separation is often seen as the end of the risk when it isn't",
    "Risky adults who are violent to partners may also be a risk to children",
    "For me the key learning is about fathers being included in risk assessments",
    "our school now asks about new adults in the household at every review meeting",
    "Sharing information with parents needs a clear framework, like the recommendation says",
    "I'd rate this briefing 8 out of 10",
    "Adult A's partner at the time was not told about his history and the baby was later injured",
    "in my previous job I'd see bruised toddlers every week and it was hard to know what was "
    "accidental",
    "the review found that the child was seen with a bruise a month before he died",
    "In hindsight the family was at immediate risk and we didn't see it",
    "We had a family where the kids were home alone a lot and the school noticed",
    "We had a teenager who said she wanted to die and CAMHS had a long waiting list",
    "a few years back dad turned up drunk to contact and we didn't stop it",
    "when i worked in the police we often attended domestics with kids in the house",
    "I think practitioners need to be braver about asking dads hard questions",
    "The review makes clear that contact arrangements can give abusers access",
    "I'm going to share this briefing with my team today",
    "i've read the key learning now",
    "ok I'm ready for the next point now",
    "What should I do if a young person tells me they are self harming?",
    "If a child is scared to go home, what are the next steps?",
    "How would you respond if a child said their dad hits them?",
    "how do I know if a baby's bruise is accidental",
    "Where do I report a concern about a risky adult who is not a parent?",
    # generic statements and learning points in the present tense
    "Child Z shows that when a violent man moves in with a family the risk to the baby goes up",
    "The briefing makes me think we need to ask mum whether her new partner has a history of "
    "violence",
    "In the review, dad says he was never told about Adult A",
    "I think the learning is that a perpetrator who hits his partner may also hurt the children",
    "The review reminds us that separated women and their children are at high risk",
    "The key learning for me is that a man who is violent to adults is a risk to babies too",
    "A baby who has a bruise and is not yet mobile always needs a paediatric assessment",
    "In my experience dads who are violent often turn up at contact drunk",
    "Our policy says we must tell SPoA if a non-mobile baby has a bruise",
    "If mum says her partner hits her we should always think about the children",
    "I think fathers are often told nothing, even when the new partner is a known perpetrator",
    "When a parent is scared of an ex partner, we need to plan for contact handovers",
    "The discussion point about risky adults outside the home made me think about uncles and "
    "lodgers",
    "Looking at discussion point 1, I'd say we manage risk by sharing information early",
    "What do we do when dad will not engage?",
    "I'm going to talk to my team about the legacy of domestic abuse tomorrow",
    "Could you show me the procedure for sharing information with parents?",
    "I think we sometimes focus on the child in front of us and forget the adults around them",
    "Domestic abuse that carries on after separation is still domestic abuse",
    "The review says the information about Adult A's violence was known to police but not shared",
    "Children are at more risk when parents separate, according to the research",
    "I used the procedures manual last week to check information sharing rules",
    "in a case last year dad threatened to kill the kids; we do things differently now",
]


NONE_CASES = (
    NONE_RETROSPECTIVE
    + NONE_NAVIGATION
    + NONE_GENERAL_QUESTIONS
    + NONE_DISCUSSION_AND_REFLECTION
    + NONE_CHATTER
    + NONE_MORE
)


# --------------------------------------------------------------------------------------------
# Classes added with the CHECK outcome (written fresh, by class; see tests/data/safety_dev.tsv
# for the measured set)
# --------------------------------------------------------------------------------------------

# A current, specific child or family plus a present or future risk, with few or no cue words
# ("one of my mums", "I've got a 14 year old", "a baby I see"): urgent by its shape.
URGENT_SHAPE = [
    "im a family support worker, one of my mums has just told me her ex who is on the sex "
    "offenders register has been babysitting for her",
    "The 6 month old I visited this morning has a bruise behind her ear and mum says the dog "
    "did it",
    "I've been working with a family for a few months and dad has just come out of prison for "
    "assaulting mum. He is back living there with the kids and mum hasn't told anyone",
    "school nurse - yr 10 girl has told me her boyfriend who is 22 picks her up from school "
    "and she's skipping lessons to be with him",
    "we have a child on a CP plan and mum's violent ex has been spotted at the house again "
    "this week",
    "one of my pupils hasn't been in for 8 days, phone goes to voicemail and the neighbours "
    "say the curtains are shut",
    "A toddler I see at the surgery has lost a lot of weight and mum won't bring him in for "
    "his checks any more",
    "Quick one - got a newborn going home tomorrow, dad has a conviction for child cruelty and "
    "nobody has done a pre-birth assessment. What should I be doing?",
    "Hi, I'm a DSL. Year 4 boy came in with a cut above his eye and a story that keeps "
    "changing. Parents are being really defensive.",
    "I'm a police officer and I've just left an address where mum's partner was shouting at "
    "the kids and there was a hole in the wall. I'm not happy leaving them",
    "my client is 30 weeks pregnant and her partner has been strangling her, she wants to go "
    "back to him tonight",
    "I'm currently working with a dad who told me he'll take the children abroad if the court "
    "doesn't give him what he wants",
    "thinking about point 4 - it reminded me I need to act on something. A boy I key work says "
    "his mum's new bloke locks him in his room. What do I do?",
    "theres a baby on my caseload who has had three A&E visits in a month for injuries",
    "one of my patients is a teenage mum whose 40 year old partner has previous for sexual "
    "offences and he's now living with her and the baby",
    "I'm supporting a family at the moment where the older brother has been taking the younger "
    "kids out at night to sell drugs",
    "we've got a 15 year old girl in our care who keeps being picked up by cars with older men "
    "in them",
    "a mum at my school gate told me her partner put his hands round her neck and she's scared "
    "to go home with the kids",
    "client's ex-partner has breached his bail conditions three times and turned up at the "
    "children's nursery today",
    "family I'm allocated to - no food in the cupboards, electric's off, and the baby's nappy "
    "hadn't been changed all day",
    "got a young person who's stopped going home, sofa surfing with adults she met at a party, "
    "won't give addresses",
    "Following the briefing on information sharing - I need advice. Mum of a child I teach has "
    "a new partner with a history of DA and he's moved into the family home. Can I tell dad?",
    "a boy in my class said his dad holds his head under the water in the bath when he's naughty",
    "Mum brought her 2 year old to clinic with a burn on his hand shaped like an iron",
    "I've got a child on my list whose dad keeps turning up drunk to contact and the court has "
    "said it should be supervised",
    "my service user has just rung to say her ex is trying to get into the house and the kids "
    "are inside",
    "a 13 yo i work with has been sending pictures to a man online and now he wants to meet "
    "her this weekend",
    "a family we hold, dad is due for release next week and mum has said she'll let him come home",
    "I'm a HV and one of my mums has a partner who was convicted of GBH, he's moving in this "
    "weekend and there's a 3 week old",
    "One of my year 8s told me his uncle makes him do things he doesn't like when he stays over",
    "A girl I tutor has turned up with a split lip twice this month and says her brother's "
    "friends did it",
    "I'm a midwife - one of my ladies is due next week and her partner has just been charged "
    "with assault on his ex, he's living with her",
    "there's a 9 month old on my caseload whose mum's new partner has previous for ABH and "
    "he's now minding the baby while she works",
    "the lad I mentor says he's being made to run parcels and his mum has no idea",
    "my pupil's mum has a restraining order against dad but he's been picking the kids up from "
    "school this week",
    "one of our families: dad was convicted of sexual offences against a child, and mum has "
    "just let him stay over",
    "got a new referral in - toddler with a burn on the back of his hand, mum says he touched "
    "the oven, dad refused to come to the appointment",
    "a child I teach has been coming in filthy and starving and yesterday said there's no "
    "electric at home",
    "currently working with a young mum whose boyfriend took the baby from her last night and "
    "won't give him back",
    "HV here, visited a family today, baby has a mark on the side of his face and parents gave "
    "two different stories",
    "I support a 14 yr old who's been staying out until 3am with men in their twenties, she "
    "won't say who they are",
    "My patient has told me her husband hits the kids with a belt, she's too frightened to leave",
    "one of my families has gone off the radar - no answer at the door for a week and the kids "
    "aren't at school",
    "I'm working with a family where the eldest is 12 and is looking after three younger "
    "siblings most nights while mum works",
    "the dad on my caseload who has a DV history has been given overnight contact starting "
    "Friday and mum is terrified",
    "a young person I work with has disclosed that her uncle comes into her room when she "
    "stays at her nan's",
    "school nurse: year 5 girl keeps coming to me with headaches and today said her stepdad "
    "makes her keep secrets",
    "I'm on a visit and the little boy has bruises on his ears and back, mum's saying he fell",
    "a mum at our toddler group has fingermark bruising on her arm and told me he'll kill her "
    "if she tells anyone",
    "my client's partner is back from prison and she's let him move in with her and the kids, "
    "he was inside for hurting a child",
    "one of my students hasn't eaten properly for days, her mum's partner controls all the "
    "money and locks the fridge",
    "A 7 year old in my class has said his dad's friend who stays over showed him videos of "
    "naked people",
    "the baby I'm seeing at the moment has a swollen arm and cries when it's touched, parents "
    "won't go to A&E",
    "I've got a teenager who keeps coming back with injuries after weekends at her dad's",
    "Family I work with: the older sister has told me her mum's boyfriend hits her little brother",
    "one of my service users is being pimped out by her boyfriend and she's only 16",
    "I have a mum who told me she's scared her ex will snatch the children when he gets out "
    "next week",
    "the toddler at the house I visited has a fractured wrist and nobody's explained how",
    "one of the mums on my list has just said her new partner shook the baby when he wouldn't "
    "stop crying",
    "I'm working with a teenage boy who's been threatened with a knife by the older lads he's "
    "selling for",
    "nursery here - little girl came in this morning with a bandaged hand, mum says she burnt "
    "it but won't say how, and she's flinching from staff",
    "one of my dads has just been bailed for assaulting his new girlfriend and he has the kids "
    "this weekend",
    "I'm seeing a pregnant 15 year old whose 'boyfriend' is 27, she's moving in with him next week",
    "a boy I coach has told me his mum's partner grabbed him by the throat last night",
    "family on my list - both parents using heroin again, there's a 2 year old and no food in "
    "the flat when I visited",
    "my patient has a DVPO against her ex but she says he's been staying with her and the baby "
    "since Christmas",
    "one of my year 11s has been collected from school by different older men in cars all week",
    "a young carer I work with hasn't been seen for a fortnight, mum's boyfriend says she's "
    "'at her nan's' but nan hasn't seen her",
    "Reflecting on point 1 I realised I have exactly this right now: the partner has a "
    "conviction for child cruelty, has moved in, and mum doesn't know. Who can I tell?",
    "HV - baby of 10 weeks with a bruise on her tummy, parents say older sibling did it",
    "I have a 4 year old on my caseload whose dad keeps turning up drunk at nursery even "
    "though he isn't allowed contact",
    "pupil told me at lunch her mum's boyfriend takes photos of her in the bath",
    "my client's teenage son has been stabbed and she thinks the people who did it know where "
    "they live",
    "a child I look after in a kinship arrangement has just told me her birth dad has been "
    "messaging her on tiktok and wants to meet",
    "just back from a visit, mum had a black eye, dad answered for her the whole time and the "
    "kids were silent",
]

# Maybe a live concern, maybe a past case or a general question: the bot asks first.
CHECK_CASES = [
    "I'm dealing with something like this right now I think",
    "what do I do if dad's new girlfriend has a record for violence?",
    "I think this applies to a mum on my caseload",
    "mum's ex won't stop texting her",
    "should I share the new partner's history with mum?",
    "is this a safeguarding concern or not?",
    "I've got one like this",
    "one of my families has a dad with a DV history",
    "this is bothering me about one of my families",
    "dad keeps turning up at contact drunk",
    "I'm not sure whether to ring SPoA",
    "who do I tell about a mum whose partner has previous?",
    "mum still sees him even though she says she doesn't",
    "her new partner has been in prison, does that matter",
    "the baby's dad has just come out of prison",
    "i have a similar family right now",
    "Can I speak to someone about a child I'm worried about?",
    "we've got a case a lot like Child Z",
    "I reckon I've got one like this on my books",
    "honestly this sounds like a family I'm involved with",
    "is it a problem if mum's new fella has been in prison?",
    "what do I do about a dad who won't stop turning up at the nursery?",
    "should I let SPoA know about this?",
    "I'm not sure if I need to refer this one",
    "mum's ex-partner still texts her every day",
    "I'm worried this is what's going on with one of my pupils",
    "can I tell a mum about her partner's past?",
    "the baby's dad has previous and is around a lot",
    "Similar situation with one of mine, what's the threshold?",
    "do I need to do anything if dad's girlfriend has had her kids taken off her?",
    "who should I talk to about one of my families",
    "my pupil's step dad has a record, does school need to do anything",
    "is this one for SPoA?",
    "her ex has turned up at the school gates again",
    "I've got a dad who's out on licence, not sure what to do",
    "there's a family on my books a lot like this",
    "what should I do if my pupil's dad has a record for violence?",
    "mum's ex keeps sending the kids presents even though there's no contact",
    "is it reportable if mum's partner has a history of DV?",
    "should I tell someone about the dad at pick up?",
    "I'm dealing with one like this",
    "one of my families has a grandad with previous",
    "this reminds me of a mum I'm working with",
    "not sure if I should call SPoA",
    "Can I share a new partner's record with the child's dad?",
]

# Unsure cases the patterns answer as urgent: either answer is safe, a preview is not.
NEVER_PREVIEWED = [
    "there's a teenager with cuts on her arms, what do I do",
    "do I need to make a referral for this?",
    "there's a baby I see with a bruise on her leg, do I have to report it",
    "one of my mums keeps going back to her abusive ex",
]

# Short ("I need a moment"), long (a reflection that ends with wanting to stop) and the
# practitioner's own past ("my dad was violent to all of us growing up"): support, never 999.
DISTRESS_MORE_BY_CLASS = [
    "hang on, I need a moment",
    "can't do this right now",
    "sorry i have to stop",
    "too much today",
    "it's a bit close to home honestly",
    "I'm finding it hard to breathe reading this",
    "I was a child on a protection plan myself so this is hard",
    "my mum's boyfriend hurt me when I was little and this has stirred everything up",
    "I've had a really tough few months at work and this is the last thing I needed",
    "Reflecting on information sharing, I think my team does well. But I lost a family to "
    "something like this and I've never forgiven myself. I'd like to stop for today.",
    "The briefing is good. A baby I visited died a few years back and I still think about her "
    "every single day. I don't want to do the questions right now.",
    "we had a death on our patch and I haven't felt right since. I'll come back to this "
    "another time.",
    "not coping at all",
    "this has wrecked me",
    "I can't stop crying",
    "I'm shaking reading this",
    "i'm tearful today",
    "I feel like I'm failing everyone",
    "every night I lie awake worrying about my cases",
    "it's all too much at the moment",
    "honestly im running on empty",
    "I'm in a bad way after reading that",
    "this takes me right back to my own childhood",
    "my dad used to beat my mum in front of us",
    "I need to take five",
    "one sec, I need a moment",
    "can't do this now",
    "sorry - I need to stop, this is hard",
    "way too much",
    "this is too close to home",
    "I need some air",
    "i cant today",
    "I'm done in, can't face any more of this",
    "I've been crying since I read it",
    "I'm struggling to keep it together",
    "We lost a baby on our patch in very similar circumstances two years ago. I've never "
    "really got over it and reading this has brought everything up again. I think I'll stop "
    "for now.",
    "The learning about separation is spot on. I'm finding it hard though, because a little "
    "boy I worked with was killed by his dad and I still see his face. Can we come back to the "
    "questions another day?",
    "I'm fine with the briefing, but honestly I haven't felt right since a case last year and "
    "I don't want to carry on with this today",
    "I came into this work because of what happened to me as a child and this review has hit hard",
    "my dad was violent to all of us growing up, reading about Adult A is hard",
    "this is exactly what my childhood was like",
    "I was abused by a family member when I was young and this has brought it all back",
    "I was on the child protection register as a kid so this one stings",
    "I don't think I'm coping with the job at the moment",
    "I've been off sick with stress and came back this week, this is heavy",
    "I need five minutes",
    "sorry, I can't do this one today",
    "this is a bit much for me",
    "too raw",
    "I had to stop reading halfway through",
    "Our team lost a child last year and honestly I still dream about it. The learning is fair "
    "but I'd like to leave the questions for today.",
    "I thought I'd be fine but this case is bringing back a lot from my own childhood",
    "I was hit by my mum's partner growing up so this is hard going",
    "feeling very low after this",
    "I haven't been sleeping since the last case review",
]

# A possible risk to the practitioner's own life: crisis lines as well as support.
CRISIS_MORE = [
    "I've started cutting myself again",
    "been self harming again if im honest",
    "some days I can't see the point in going on",
    "I keep thinking how nice it would be to just not wake up",
    "I've got a stash of tablets at home",
    "sometimes I think my family would be better off without me",
    "Driving home I sometimes think about swerving into oncoming traffic",
    "I don't think I'll be around much longer",
    "I've been having thoughts about suicide",
    "I wrote goodbye letters last night",
    "When I'm on the platform I think about stepping in front of the train",
    "I'm not safe tonight",
    "I can't live with this, I want to end it",
    "honestly I want to die",
    "I have a plan to end my life",
    "I just want to go to sleep and never wake up",
    "I've been thinking about taking all my tablets",
    "I feel like I'd be doing everyone a favour if I was gone",
    "there's no way out for me",
    "I'm back to cutting",
    "i've relapsed with self harm",
    "most days I can't see the point in anything",
    "some nights I hope I just don't wake up",
    "I've been stockpiling my tablets",
    "I don't want to live like this anymore",
    "if this baby died because I missed something I couldn't live with it, I don't even know "
    "if I want to be here",
    "I've thought about driving off the road on the way home",
    "I won't be around for much longer",
    "I'm having suicidal thoughts",
    "I've written letters to my kids",
    "I stood on the bridge last night and thought about jumping",
    "I don't feel safe with myself at the moment",
    "I want to kill myself",
    "everyone would be better off if I wasn't here",
    "thinking of ending my life",
    "I've looked up how many paracetamol it would take",
    "I've been hurting myself to cope with work",
    "I just want to not exist",
    "I'm planning to end things this weekend",
    "I've started hurting myself again",
    "I can't see any point in carrying on",
    "I keep thinking I'd like to not wake up",
    "I have pills saved up",
    "Sometimes I think about walking in front of a bus",
    "I'm thinking about suicide",
    "I've said goodbye to my kids in my head",
    "I don't think I want to be alive",
    "I'm not safe right now",
    "I'd be better off gone",
]

# Ordinary reflections, questions and remarks near the line: general rules in the present
# tense, hypotheticals, previous roles, negated or mitigated feelings, job titles, questions
# about the process. None of them is a safety answer.
NONE_NEAR_THE_LINE = [
    "In our team any injury to a baby who isn't crawling goes straight to a paediatrician",
    "Bruising in babies who can't move about on their own is always a red flag for us",
    "children disclose to teachers all the time and we record every word",
    "If I ever had to ring out of hours, which number is it?",
    "I'm only asking generally, how do referrals work?",
    "On the course they asked us what we'd do about a parent turning up drunk",
    "When I was in my last role, a mum told me her partner had strangled her and I didn't know "
    "what to do",
    "I do wonder if I'd see the signs if a partner was controlling",
    "for me the learning is about looking at patterns of violence over time",
    "we must get better at involving fathers",
    "I'm not worried about a specific child, I'm worried we don't have the capacity",
    "I'm not upset, more frustrated with how slowly things change",
    "A bit of anxiety about thresholds keeps us sharp I think",
    "I think the review is balanced and fair",
    "this will go in my portfolio",
    "got a meeting now, I'll come back to the rest later",
    "very clear, thank you",
    "harder to read than I expected but glad I did, next one please",
    "we had a family years ago where dad was violent and the school never knew",
    "In my experience new partners are rarely checked",
    "The review made me think about the partners we never meet",
    "Working together says we must consider all adults in the household",
    "What happens when a parent refuses to engage?",
    "Who is responsible for telling mum about a partner's past?",
    "How long does a Clare's Law disclosure take?",
    "Is the SPoA open on Saturdays?",
    "what's the number for the emergency duty service",
    "Could you give me the threshold guidance?",
    "I've been a social worker for 15 years and this is one of the clearest briefings I've read",
    "Our school has a new DSL and she's really good at following up",
    "The point about the three way conversation is something we could do better",
    "we should always ask who is living in the house",
    "Perpetrators often use contact to keep control",
    "Dads who are violent to their partners are a risk to their children too",
    "In hindsight nobody joined the dots on Adult A",
    "I'll raise the information sharing issue at our next team meeting",
    "Adult A moved in with the family and nobody checked his history",
    "The mum in the review wasn't told about the risk",
    "a few years back I had a toddler with a broken leg and the explanation didn't fit",
    "Thinking about fathers, I realise I often only have mum's number",
    "I wonder whether we'd have done any better",
    "what training is there on coercive control?",
    "how do I withdraw something I saved",
    "who will see my reflection?",
    "Let's do the next point",
    "what was recommendation 2 again",
    "tell me about Baby P",
    "I'd like to go through the questions with my team in supervision",
    "This review reminds me how important it is to ask about new partners at every contact",
    "It's upsetting that this keeps happening nationally, but the learning is clear",
    "Working with families where there's DA is the hardest part of my job, but I love it",
    "I sometimes feel out of my depth with court work, so I'd like more training",
    "I'm worried that the new procedure isn't well known",
    "I'm concerned our records don't capture fathers",
    "I have a question about the recommendations",
    "I have a family support background so this resonated",
    "we have a lot of families where dads are invisible",
    "Mums often tell us they've ended the relationship when they haven't",
    "It makes me think of the families I've worked with where we relied on mum",
    "I've got a reflection about point one",
    "Our rule is that any mark on a baby who can't roll over gets a paediatric opinion",
    "children under six months shouldn't bruise, we all know that",
    "teenagers confide in us about everything and we keep records of all of it",
    "we've got to be better at inviting fathers to meetings",
    "If I were worried about a child at 2am, what would I actually do?",
    "not asking about a particular family, just the general process for referrals",
    "In my induction they asked what I'd do if a parent turned up drunk",
    "Years ago in another authority a mum told me her partner had threatened her with a knife",
    "I wonder if I'd spot coercive control if it was subtle",
    "My reflection is that we focus on incidents rather than the pattern and history of violence",
    "I'm not worried about one case in particular, it's the system that worries me",
    "I'm not upset, I'm angry at how often this happens",
    "Thresholds make me a bit anxious, but I think that keeps me careful",
    "I think the review is fair",
    "useful for my appraisal",
    "I'll come back to this after my next visit",
    "really clear, thanks",
    "heavier than most briefings but worth it, next please",
    "the bit about Adult A's history not being shared is so frustrating",
    "when a new partner moves in we should always do checks",
    "dads with a history of violence are a risk even after separation",
    "A man who hits his partner can hurt the children too, even if he's never touched them",
    "If mum says the partner has a record, we should share that with the social worker",
    "We had a case a while ago where the partner's record only came out at conference",
    "In a previous post I saw a lot of babies with bruises from rough handling",
    "I've worked with families like this for years",
    "I think most of my families have a dad we never meet",
    "our caseloads are full of families affected by DA",
    "I checked my caseload and all the partners have been looked into",
    "I'd like training on how to talk to mums about new partners",
    "what happens to children when a parent goes to prison?",
    "How do I find out if someone is on the sex offenders register?",
    "What does Clare's Law let police share?",
    "Is there a procedure for sharing a partner's record with mum?",
    "who do I call about a child out of hours?",
    "what is the threshold for SPoA?",
    "how do I make a MASH referral?",
    "what would you do if a child told you they were being hit?",
    "should we always tell mum about a partner's convictions?",
    "Do teachers have to report every bruise?",
    "when would you go straight to police rather than SPoA?",
    "I don't think we'd have done anything differently in our team",
    "My takeaway: check, don't assume",
    "we need to stop relying on mums to protect their children from violent men",
    "Separated parents still need to be part of the safety plan",
    "The bit about contact was eye-opening for our nursery staff",
    "As a school we often don't know when a new adult moves in",
    "I sometimes feel a bit useless when families won't engage, but I keep trying",
    "This is hard work but I love my job",
    "It's sad to read but important",
    "I'm quite anxious about presenting this at team meeting",
    "I'm worried our training budget won't stretch to this",
    "Our team is worried about the new procedure being too complicated",
    "I'm concerned that health visitors aren't told when partners change",
    "In hindsight Adult A should never have been left alone with Child Z",
    "Adult A had been violent to a previous partner and had a child removed",
    "The mum in Child Z wasn't told about Adult A's history",
    "I remember a case years ago where a toddler had a fracture and the dad's story kept changing",
    "When I was a newly qualified social worker I was terrified of getting it wrong",
    "I was a looked after child coordinator in my last role",
    "I used to work in a refuge so the point about separation rings true",
    "I've been doing this for 20 years and the same issues keep coming up",
    "This is one of the best briefings I've had",
    "I have a question about recommendation 3",
    "can I add a reflection about fathers?",
    "what's in the procedures manual about sharing information?",
    "I need to go, I have a visit at 2",
    "how do I get my certificate for this?",
    "is there any training on risky adults?",
    "does the review say what happened to dad?",
    "please show me the key learning again",
    "what do you do with my answers?",
    "that's all from me",
    "every bruise on an immobile baby gets flagged in our team",
    "we log every disclosure however small",
    "we need to get better at talking to dads",
    "if I'm ever worried late at night who would I phone?",
    "I'm asking in general, not about anyone in particular",
    "on the course we discussed what we'd do if a parent was drunk at pick up",
    "in my old job a dad threatened to hurt his ex and I never knew what happened",
    "I sometimes wonder whether I'd notice a risky adult",
    "my reflection: look at how often, how badly and how long someone has been violent",
    "I'm not worried about a case, I'm worried about our capacity",
    "not sad, just cross",
    "a bit of worry about thresholds is healthy I think",
    "fair review",
    "good for my portfolio",
    "off to a meeting, back later",
    "nice and clear",
    "heavier than usual but worth reading, next bit please",
    "we always ask mums about new partners now",
    "babies shouldn't have bruises if they aren't mobile",
    "Partners with a violent history are a risk to children",
    "the review shows separation isn't the end of risk",
    "I think our school would have missed Adult A too",
    "Who decides whether to tell mum about a partner's convictions?",
    "How do Clare's Law disclosures work?",
    "what's the out of hours number?",
    "In a previous team we had a toddler with unexplained bruises and dad was never spoken to",
    "when I was a student I had a placement in a refuge",
    "I've been a nurse for 25 years and this is a good summary",
    "it's hard work but rewarding",
    "our caseloads are too high to research every adult",
    "I worry the new procedure isn't well publicised",
    "can you show me the recommendations again",
    "what happened to Child Z's dad?",
    "I have nothing more to add",
    "the bit about the three way conversation is key for us",
    "we don't always know when a new partner moves in",
    "fathers are too often an afterthought",
    "we discussed this at our team meeting and agreed to check partners more",
]

HYPOTHETICAL_QUESTIONS = [
    # general "how would I" questions: NONE and general, so a classifier's "urgent" on them
    # becomes the front-door answer, not 999
    "if I ever had a concern out of hours, who would I ring?",
    "what's the process if I'm ever worried about a baby with a bruise?",
    "asking generally - how do I refer to SPoA?",
    "in training we were asked what we'd do if a dad turned up drunk to collect",
    "what would you do if a child said they were scared of their stepdad?",
    "If I were worried about a toddler at the weekend, what would I do?",
]

REASSURED = [
    "I'm not worried about one particular family, it's the system I'm worried about",
    "not upset at all, just angry at how often this happens",
    "a little nervous about thresholds, which is probably healthy",
    "it was hard going but it's important learning",
]

SUPPORT_QUESTIONS = [
    "is there an EAP?",
    "can my team have a group debrief",
    "what counselling is there for staff?",
    "where do I get wellbeing support",
    "how do I look after my team after a child has died?",
    "who can I talk to about vicarious trauma?",
]

NOT_SUPPORT_QUESTIONS = [
    "we talked about it in supervision",
    "the counselling service for children has a long waiting list",
    "how do I contact SPoA",
    "next",
]


URGENT_ALL = URGENT_CASES + URGENT_SHAPE
DISTRESS_ALL = DISTRESS_CASES + DISTRESS_MORE_BY_CLASS
CRISIS_ALL = CRISIS_CASES + CRISIS_MORE
NONE_ALL = NONE_CASES + NONE_NEAR_THE_LINE

# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------


def test_case_counts() -> None:
    assert len(URGENT_ALL) >= 130
    assert len(URGENT_SHAPE) >= 50
    assert len(CHECK_CASES) >= 30
    assert len(DISTRESS_ALL) + len(CRISIS_ALL) >= 120
    assert len(CRISIS_ALL) >= 40
    assert len(NONE_ALL) >= 250
    assert len(NONE_NEAR_THE_LINE) >= 60
    everything = (
        URGENT_ALL
        + CHECK_CASES
        + NEVER_PREVIEWED
        + DISTRESS_ALL
        + CRISIS_ALL
        + NONE_ALL
        + HYPOTHETICAL_QUESTIONS
        + REASSURED
    )
    assert len(set(everything)) == len(everything), "duplicate phrasing"


@pytest.mark.parametrize("text", URGENT_ALL)
def test_urgent(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.URGENT, result
    assert result.rule in URGENT_RULES
    assert result.retrospective is False


@pytest.mark.parametrize("text", DISTRESS_ALL)
def test_distress(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.rule in DISTRESS_RULES
    assert result.crisis is False


@pytest.mark.parametrize("text", CRISIS_ALL)
def test_crisis(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.crisis is True
    assert result.rule == "practitioner_crisis"


@pytest.mark.parametrize("text", NONE_ALL)
def test_none(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.NONE, result
    assert result.rule == ""
    assert result.crisis is False


@pytest.mark.parametrize("text", NONE_RETROSPECTIVE)
def test_retrospective_flag(text: str) -> None:
    assert assess(text).retrospective is True


@pytest.mark.parametrize(
    "text",
    [
        "I want to end it all and the kids are home alone right now",
        "I feel suicidal and I'm scared I'll hurt my baby tonight",
    ],
)
def test_urgent_wins_over_crisis_but_keeps_the_crisis_flag(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.URGENT
    assert result.crisis is True


@pytest.mark.parametrize(
    "text",
    [
        "this case really got to me, and right now a boy in my class says he is scared to go home",
        "I'm overwhelmed, a child has just told me she's being abused",
        "I can't stop thinking about it because a baby at the house I'm at has bruises",
    ],
)
def test_urgent_wins_over_distress(text: str) -> None:
    assert assess(text).signal is Signal.URGENT


@pytest.mark.parametrize(
    "text",
    [
        "i feel overwhelmed. in a case last year, dad threatened to kill the kids",
        "looking back, the review made me realise I'm burnt out",
    ],
)
def test_distress_about_a_past_case_is_distress_and_retrospective(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS
    assert result.retrospective is True


@pytest.mark.parametrize("text", ["", " ", "\n\t", "   \u00a0 "])
def test_empty_is_none(text: str) -> None:
    assert assess(text) == SafetyAssessment(Signal.NONE, "", retrospective=False)


def test_non_retrospective_none() -> None:
    assert assess("next").retrospective is False


SENTINEL = "Zebedee-Quokka-7731"


@pytest.mark.parametrize(
    "text",
    [
        URGENT_CASES[0],
        DISTRESS_CASES[0],
        CRISIS_CASES[0],
        NONE_CASES[0],
        f"my name is {SENTINEL} and a girl has just disclosed her stepdad hits her",
        f"{SENTINEL} really got to me",
        f"{SENTINEL} says she wants to end it all",
    ],
)
def test_rule_never_contains_user_text(text: str) -> None:
    result = assess(text)
    assert result.rule in URGENT_RULES | DISTRESS_RULES | {""}
    assert SENTINEL.lower() not in result.rule.lower()


def test_rule_names_are_fixed_identifiers() -> None:
    for name in URGENT_RULES | DISTRESS_RULES:
        assert name.replace("_", "").isalpha()
        assert name == name.lower()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("I\u2019m SCARD  to go\thome TONITE", "i am scared to go home tonight"),
        ("He\u2019s been hit", "he has been hit"),
        ("she's scared", "she is scared"),
        ("cant dont im", "cannot do not i am"),
        ("rite now", "right now"),
        ("self-harm", "self harm"),
        ("18-month-old", "18 month old"),
        ("brusies", "bruises"),
        ("he\u2019ll hurt her", "he will hurt her"),
        ("mum\u2019s boyfriend", "mum boyfriend"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


def test_signal_values() -> None:
    assert Signal.NONE.value == "none"
    assert Signal.URGENT.value == "urgent"
    assert Signal.DISTRESS.value == "distress"
    assert Signal("urgent") is Signal.URGENT


def test_assessment_is_frozen() -> None:
    result = assess("next")
    with pytest.raises(AttributeError):
        result.signal = Signal.URGENT  # type: ignore[misc]


# --- CHECK: ask before doing anything with the text ----------------------------------------


@pytest.mark.parametrize("text", CHECK_CASES)
def test_check(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.CHECK, result
    assert result.rule in CHECK_RULES
    assert result.crisis is False


@pytest.mark.parametrize("text", NEVER_PREVIEWED)
def test_unsure_texts_answered_as_urgent_are_never_previewed(text: str) -> None:
    assert assess(text).signal in (Signal.URGENT, Signal.CHECK)


@pytest.mark.parametrize(
    "text",
    [
        # a long message that starts as a reflection and turns to a family now
        "Really useful briefing, especially point 3. It's made me realise something though - "
        "I've got a mum on my caseload whose ex has just been released and he's been round "
        "to see the kids twice this week even though there's a non-mol. What should I do?",
        "We don't ask about dads enough. Which is why I'm on here: one of my families has a "
        "new boyfriend with a record for violence and he's staying there most nights.",
    ],
)
def test_a_reflection_that_turns_to_a_family_now_is_urgent(text: str) -> None:
    assert assess(text).signal is Signal.URGENT


@pytest.mark.parametrize(
    "text",
    [
        # a past anchor or a hypothetical in the same sentence keeps a current-case word from
        # making it live
        "I had a family like this on my caseload years ago and the partner's history came out "
        "too late",
        "in a previous role one of my families had a dad with a record who moved in",
        "if one of my families ever had a partner with a record, what would I do?",
    ],
)
def test_a_current_case_word_in_a_past_or_hypothetical_sentence_is_not_live(text: str) -> None:
    assert assess(text).signal is Signal.NONE


# --- distress about the practitioner's own past ----------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "my dad used to beat my mum when I was little and this has brought it all back",
        "my stepdad hit me as a kid and reading this I'm shaking",
        "I grew up with this, my mum's partner was violent to all of us",
        "I was in care myself and this is hard to read",
        "this happened in my family when I was young",
    ],
)
def test_own_childhood_is_distress_not_urgent(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.crisis is False


def test_job_titles_are_not_a_childhood() -> None:
    assert assess("I was a looked after child coordinator in my last role").signal is Signal.NONE


# --- the flags the SafetyNet weighs a classifier's guess against -----------------------------


@pytest.mark.parametrize("text", HYPOTHETICAL_QUESTIONS)
def test_hypothetical_questions_are_general(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.NONE, result
    assert result.general is True


@pytest.mark.parametrize("text", REASSURED)
def test_reassured(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.NONE, result
    assert result.reassured is True


@pytest.mark.parametrize(
    ("text", "particular"),
    [
        ("mum rang me about [NAME 1] this week", True),
        ("there's a toddler at nursery who won't eat", True),
        ("a family on my caseload", True),
        ("please can someone phone me back", False),
        ("is there a procedure for sharing a partner's record with mum?", False),
        ("fathers are often invisible in our assessments", False),
    ],
)
def test_particular(text: str, particular: bool) -> None:
    assert assess(text).particular is particular


@pytest.mark.parametrize("text", URGENT_SHAPE[:5] + CHECK_CASES[:5])
def test_urgent_and_check_are_about_a_particular_child(text: str) -> None:
    assert assess(text).particular is True


@pytest.mark.parametrize("text", SUPPORT_QUESTIONS)
def test_support_questions(text: str) -> None:
    assert is_support_question(text)


@pytest.mark.parametrize("text", NOT_SUPPORT_QUESTIONS)
def test_not_support_questions(text: str) -> None:
    assert not is_support_question(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("who would I call?", True),
        ("is it a referral if he has previous", True),
        ("I have a case like this", False),
        ("we always refer", False),
    ],
)
def test_is_question(text: str, expected: bool) -> None:
    assert is_question(text) is expected


def test_check_rules_are_fixed_identifiers() -> None:
    for name in CHECK_RULES:
        assert name.replace("_", "").isalpha()
        assert name == name.lower()
    assert not CHECK_RULES & (URGENT_RULES | DISTRESS_RULES)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("[NAME 1]'s mum", "xxname mum"),
        ("a [AGE 1]-year-old", "a xxage year old"),
        ("14yo", "14 year old"),
        ("her new fella", "her new boyfriend"),
        ("he's moved in", "he has moved in"),
    ],
)
def test_normalise_placeholders_and_shorthand(raw: str, expected: str) -> None:
    assert normalise(raw) == expected


# --- cost: linear in the text, and the prefilter never changes an answer ---------------------


def _all_regexes() -> list[tuple[str, re.Pattern[str]]]:
    found: list[tuple[str, re.Pattern[str]]] = []
    for name, value in vars(safety_module).items():
        if isinstance(value, re.Pattern):
            found.append((name, value))
        elif isinstance(value, Gated):
            found.append((name, value.pattern))
    families = (
        *safety_module._URGENT_FAMILIES,
        *safety_module._DISTRESS_FAMILIES,
        safety_module._CRISIS,
    )
    for family in families:
        found.append((family.name, family.combined.pattern))
        found.extend((family.name, p.pattern) for p in family.patterns)
    return found


def _unbounded_repeats(items: object, path: str) -> list[str]:
    """Repeats without an upper bound whose item is more than one plain character."""
    problems = []
    for op, av in items:  # type: ignore[attr-defined]
        if op in (sre_parse.MAX_REPEAT, sre_parse.MIN_REPEAT):
            _, high, sub = av
            single = len(sub) == 1 and sub[0][0] in (sre_parse.LITERAL, sre_parse.IN)
            negated_class = (
                single
                and sub[0][0] is sre_parse.IN
                and any(o is sre_parse.NEGATE for o, _ in sub[0][1])
            )
            if high is sre_parse.MAXREPEAT and (not single or negated_class):
                problems.append(f"{path}: unbounded repeat of {sub!r}")
            if high is not sre_parse.MAXREPEAT and high > 100:
                problems.append(f"{path}: a window of {high}")
            problems.extend(_unbounded_repeats(sub, path))
        elif op is sre_parse.SUBPATTERN:
            problems.extend(_unbounded_repeats(av[-1], path))
        elif op is sre_parse.BRANCH:
            for branch in av[1]:
                problems.extend(_unbounded_repeats(branch, path))
        elif op in (sre_parse.ASSERT, sre_parse.ASSERT_NOT):
            problems.extend(_unbounded_repeats(av[1], path))
    return problems


def test_every_window_is_bounded() -> None:
    """Each regex does a bounded amount of work at each position, so ``assess`` is linear.

    Only a single character class may repeat without limit (``\\w+``, ``\\s*``, ``[.!?]*``):
    no ``.*``, no ``[^.!?]*`` running to the end of the text, no group repeated without
    limit, and no window wider than 100 characters. Together that bounds the regex engine's
    steps per starting position by a constant, whatever the text.
    """
    problems = [
        problem
        for name, pattern in _all_regexes()
        for problem in _unbounded_repeats(sre_parse.parse(pattern.pattern), name)
    ]
    assert problems == []


def _texts_for_the_prefilter() -> list[str]:
    from pathlib import Path

    dev = Path(__file__).resolve().parents[2] / "data" / "safety_dev.tsv"
    lines = [
        line.split("\t", 1)[1]
        for line in dev.read_text(encoding="utf-8").splitlines()
        if "\t" in line and not line.startswith("#")
    ]
    return [
        *URGENT_ALL,
        *CHECK_CASES,
        *DISTRESS_ALL,
        *CRISIS_ALL,
        *NONE_ALL,
        *HYPOTHETICAL_QUESTIONS,
        *REASSURED,
        *lines,
    ]


def test_the_prefilter_literals_are_in_every_match() -> None:
    """A regex is skipped when none of its required literals is in the text; that is only
    safe if every match really contains one. Checked on every phrase we have."""
    gated = [value for value in vars(safety_module).values() if isinstance(value, Gated)]
    families = (
        *safety_module._URGENT_FAMILIES,
        *safety_module._DISTRESS_FAMILIES,
        safety_module._CRISIS,
    )
    for family in families:
        gated.extend([family.combined, *family.patterns])
    missed = []
    for text in _texts_for_the_prefilter():
        t = normalise(text)
        for g in gated:
            match = g.pattern.search(t)
            if match and g.literals is not None:
                if not any(literal in match.group(0) for literal in g.literals):
                    missed.append((g.pattern.pattern[:40], text))
    assert missed == []


@pytest.mark.parametrize("text", URGENT_SHAPE[:15] + URGENT_CASES[:15] + CRISIS_MORE[:10])
def test_a_long_message_is_answered_the_same(text: str) -> None:
    """Texts over the prefilter's threshold take the gated path; the answer must not change."""
    padding = "The weather has been grey all week and the trains were late. " * 6
    short, long = assess(text), assess(padding + text)
    assert len(padding + text) > safety_module._GATE_FROM
    assert (long.signal, long.crisis) == (short.signal, short.crisis)


@pytest.mark.parametrize(
    "text",
    [
        ("bf. " * 1300)[:5000],  # text-speak that normalising triples in length
        ("im " * 1700)[:5000],
        ("he " * 1700)[:5000],
        ("triggered " * 500)[:5000],
        ("a baby in my class has bruises and " * 200)[:5000],
        " ".join(["i keep thinking the child is with him"] * 150)[:5000],
        ("a\n\n" * 2500)[:5000],  # a "draft" of many paragraphs, each assessed
        ("mum's partner is violent, they live together.\n\n" * 120)[:5000],
        ("cannot do this. done. " * 250)[:5000],
    ],
)
def test_a_long_adversarial_message_stays_cheap(text: str) -> None:
    """A smoke check only (the guarantee is test_every_window_is_bounded): about 20 ms on a
    loaded two-core machine, so 250 ms leaves room for a slow CI runner."""
    start = time.perf_counter()
    assess(text)
    assert time.perf_counter() - start < 0.25


# --------------------------------------------------------------------------------------------
# Attack findings, fixed by class (each list is our own phrasings of the class, not the
# attacker's). A live concern must never read as a reflection; a past case must stay a
# reflection.
# --------------------------------------------------------------------------------------------

# 1. Abuse of a current child in the present tense, without "disclosed", "scared" or "now".
PRESENT_ABUSE_NO_CUE = [
    "the little one in my group gets smacked by her grandad when she wets the bed",
    "one of my year 8s is getting knocked about at home by his older brother",
    "my client's son gets thumped by his dad whenever he drinks",
    "a boy in my tutor group gets battered by his uncle, he showed me his arm this morning",
    "a girl I coach keeps getting slapped by her mum's boyfriend",
]
PAST_ABUSE_REFLECTIONS = [
    "in a family I worked with years ago the boy got thumped by his dad and nobody asked",
    "Looking back at Child Z, the children were getting hit at home long before anyone knew",
    "when I was in MASH a girl told us she got smacked by her stepdad",
    "What should a teacher do if a pupil says they get hit at home?",
]

# 2. A sex offender, or someone who poses a risk to children, moving in or staying now.
RISKY_ADULT_MOVING_IN = [
    "mum has started seeing a man who is on the sex offenders register and he is moving in"
    " next week",
    "the nan is letting her brother stay over and he served time for abusing kids",
    "one of my families, dad's mate who did time for indecent images is sleeping on their sofa",
    "a lodger with convictions for child sex offences has just moved into my pupil's house",
    "grandad was in prison for touching children and now he babysits the twins on saturdays",
]
RISKY_ADULT_PAST = [
    "years ago we had a family where a sex offender moved in and nobody checked",
    "in the review the man had convictions for sexual offences and was living with the family",
    "If a registered sex offender moves in with a family, who tells the mum?",
]

# 3. Child sexual or criminal exploitation now: much older "boyfriend", gifts, drugs, missing.
EXPLOITATION_NOW = [
    "a year 9 girl is being picked up from school by men in cars and given weed",
    "one of my year 10s has a boyfriend twice her age who keeps buying her phones and trainers",
    "she's only 14 and stays at her much older boyfriend's flat where he gives her cannabis",
    "a lad in my group keeps disappearing overnight and comes back with cash, older lads are"
    " giving him weed",
    "a girl I support is being driven around by adult men and given vodka",
]
EXPLOITATION_PAST = [
    "in a case some years back a girl was given alcohol by older men and we called it a"
    " lifestyle choice",
    "years ago we missed a boy who was picked up by men in cars after school",
]

# 4. Domestic abuse in a household with children now, stated as a fact.
HOUSEHOLD_VIOLENCE_NOW = [
    "dad is violent towards mum and the three kids still live with him",
    "there's domestic abuse in the home, the baby lives there with mum and her partner",
    "the stepdad is abusive to mum and the toddler lives with them",
    "mum's new boyfriend gets violent when he drinks and he's living with them now",
    "one of my mums has a partner who is abusive and they share the flat with her two boys",
]
HOUSEHOLD_VIOLENCE_NOT_NOW = [
    "we had a family where dad was violent towards mum and the kids lived with him",
    "when dad is violent towards mum, the children living with them are harmed too",
    "in my last job the stepdad was abusive and the toddler lived with them",
]

# 5. A current case compared with the review.
LIKE_THE_REVIEW_NOW = [
    "I think I've got my own Child Z on my books right now",
    "we have a proper Child Z situation in one of our families",
    "reading this I realised one of my current cases is just like it",
    "the family I'm visiting this week are exactly the Child Z set up",
    "one of my families is the review all over again, his history has never been checked",
]
LIKE_THE_REVIEW_NOT_NOW = [
    "Child Z reminded me of a case I had years ago",
    "the Child Z review is like many others I've read",
    "I wonder how many Child Z situations there are out there",
]

# 7. Short distress without "upset" words; hopelessness about life is a crisis.
SHORT_DISTRESS = [
    "i'm spent. can't keep doing this",
    "need to step away from this for a while",
    "that case hit a bit close to home",
    "this one really cut deep",
    "can't face this any more. done.",
]
HOPELESS_CRISIS = [
    "cant do this any more, whats the point of even being alive",
    "I can't keep going, what's the point of anything anymore",
    "can't do this anymore. tired of living tbh",
    "can't carry on like this, nothing in my life matters any more",
]
DONE_NOT_DISTRESS = [
    "I'm done with this section now",
    "I'm finished with the questions, can we save it",
    "done for now, thanks, I'll pick up the rest tomorrow",
    "i'm done with my reflection, please save it",
    "can't do this one today, no time, got a meeting",
]

# 8. Reflections that look like concerns: names that are words, quoted reassurance, initials,
# nicknames, harm words in the past tense, training questions.
LOOKS_LIKE_A_CONCERN = [
    "Mum Hope said the children were safe at that time",
    "Baby Rose was seen by the health visitor and was fine",
    "AB and his sister CD were never spoken to alone, which the review noted",
    "we knew him as Mad Mick, and his record came out much later",
    "Dad Justice was always around at contact, which we later learned was unsafe",
    "in the training scenario the stepdad hits the kids and we talked about who to call",
    "the case study had a dad who was violent towards mum while the kids lived with him",
]

# A whole draft written over several messages: a reflection, then a present-tense worry.
DRAFT_REFLECTIONS = [
    "In a case last year we relied on mum to keep the children away from her ex.",
    "Looking back at Child Z, I think the history should have been shared with dad.",
    "My reflection is that we rarely ask who else lives in the house.",
]
DRAFT_WORRIES = [
    PRESENT_ABUSE_NO_CUE[1],
    RISKY_ADULT_MOVING_IN[2],
    EXPLOITATION_NOW[0],
    HOUSEHOLD_VIOLENCE_NOW[0],
    LIKE_THE_REVIEW_NOW[2],
]


@pytest.mark.parametrize("text", PRESENT_ABUSE_NO_CUE + RISKY_ADULT_MOVING_IN + EXPLOITATION_NOW)
def test_a_current_child_at_risk_without_cue_words_is_urgent(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.URGENT, result
    assert result.rule in URGENT_RULES


@pytest.mark.parametrize("text", HOUSEHOLD_VIOLENCE_NOW + LIKE_THE_REVIEW_NOW)
def test_a_household_or_case_like_the_review_now_is_at_least_checked(text: str) -> None:
    result = assess(text)
    assert result.signal in (Signal.URGENT, Signal.CHECK), result
    assert result.particular


@pytest.mark.parametrize(
    "text",
    PAST_ABUSE_REFLECTIONS
    + RISKY_ADULT_PAST
    + EXPLOITATION_PAST
    + HOUSEHOLD_VIOLENCE_NOT_NOW
    + LIKE_THE_REVIEW_NOT_NOW
    + LOOKS_LIKE_A_CONCERN,
)
def test_the_same_words_about_the_past_or_nobody_stay_none(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.NONE, result


@pytest.mark.parametrize("text", LOOKS_LIKE_A_CONCERN)
def test_a_reflection_that_looks_like_a_concern_is_not_kept_as_urgent(text: str) -> None:
    """The component keeps a classifier-only urgent for a particular, present child; these
    are past, quoted reassurance or about nobody, so one of the flags must let it go."""
    result = assess(text)
    assert result.retrospective or result.general or result.reassured or not result.particular


@pytest.mark.parametrize("text", SHORT_DISTRESS)
def test_short_distress_without_upset_words(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.crisis is False


@pytest.mark.parametrize("text", HOPELESS_CRISIS)
def test_cannot_go_on_with_hopelessness_about_life_is_a_crisis(text: str) -> None:
    result = assess(text)
    assert result.signal is Signal.DISTRESS, result
    assert result.crisis is True


@pytest.mark.parametrize("text", DONE_NOT_DISTRESS)
def test_done_with_the_task_is_not_distress(text: str) -> None:
    assert assess(text).signal is Signal.NONE


@pytest.mark.parametrize("worry", DRAFT_WORRIES)
@pytest.mark.parametrize("reflection", DRAFT_REFLECTIONS)
def test_a_draft_of_a_reflection_then_a_worry_is_urgent_or_checked(
    reflection: str, worry: str
) -> None:
    result = assess(reflection + "\n\n" + worry)
    assert result.signal in (Signal.URGENT, Signal.CHECK), result


@pytest.mark.parametrize("second", DRAFT_REFLECTIONS + PAST_ABUSE_REFLECTIONS[:2])
@pytest.mark.parametrize("first", DRAFT_REFLECTIONS)
def test_a_draft_of_reflections_only_stays_none(first: str, second: str) -> None:
    if first != second:
        assert assess(first + "\n\n" + second).signal is Signal.NONE
